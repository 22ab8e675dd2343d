import { workspaceApiSuite } from "../support/workspace-api-suite";

workspaceApiSuite("pglite");
