import { runLiveSecretsStore } from "./secrets-provider.contract.ts";

runLiveSecretsStore(
  "AWS Secrets Manager (real account)",
  "ALLFRAME_TEST_AWS_SECRETS",
  "aws",
  "with AWS_REGION and AWS credentials to run against AWS",
);
