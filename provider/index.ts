// The plugin's entry point (package.json "main", which Pulumi's Node.js plugin runner loads):
// serves the component provider to the Pulumi engine. Libraries import "webtier" instead, which
// package.json "exports" maps to components/index.
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { PROVIDER_OPTIONS } from "./webtierProvider";

void componentProviderHost(PROVIDER_OPTIONS);
