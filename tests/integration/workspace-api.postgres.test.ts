import { workspaceApiSuite } from "../support/workspace-api-suite";

// Runs when TEST_DATABASE_URL names a PostgreSQL server (CI sets it).
workspaceApiSuite("postgres", { skip: !process.env.TEST_DATABASE_URL });
