// The ffdhe2048 group of RFC 7919 (appendix A.1) as a PEM "DH PARAMETERS" block, for nginx's
// ssl_dhparam: the Mozilla intermediate profile asks for these standard, public parameters
// rather than ones generated per host. Produced once with
// `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` (OpenSSL 3.0), which
// prints the same bytes every time.
export const FFDHE2048_PEM = `-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
`;
