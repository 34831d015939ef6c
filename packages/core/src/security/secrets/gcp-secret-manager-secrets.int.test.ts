import { runLiveSecretsStore } from "./secrets-provider.contract.ts";

runLiveSecretsStore(
  "GCP Secret Manager (real project)",
  "ALLFRAME_TEST_GCP_SECRETS",
  "gcp",
  "with GOOGLE_CLOUD_PROJECT and Application Default Credentials to run against GCP",
);
