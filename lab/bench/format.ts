// How the report, the verdicts and the chart print figures: whole requests per second with
// thousands separators, milliseconds to 0.1 below 10 ms and whole above.
export const formatRps = (n: number) => Math.round(n).toLocaleString("en-US");
export const formatMs = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US"));
export const formatCount = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(1));
export const formatRatio = (n: number | undefined) => (n === undefined ? "—" : n.toFixed(2));
