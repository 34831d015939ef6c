/**
 * @module security: `Sensitive<T>`, secret and PII redaction, the PII audit log, JWT verification,
 * the secrets port (env, AWS, GCP, Vault) and mutual TLS.
 */
export { type AuditEntry, type AuditLog, type AuditRecord, toAuditRecord } from "./audit/audit-log.ts";
export {
  JsonLinesAuditLog,
  type JsonLinesAuditLogOptions,
  openAuditLog,
  openAuditLogFile,
} from "./audit/json-lines-audit-log.ts";
export { MemoryAuditLog, type MemoryAuditLogOptions } from "./audit/memory-audit-log.ts";
export {
  createPiiAuditor,
  type PiiAccess,
  type PiiAuditor,
  type PiiAuditorOptions,
} from "./audit/pii-auditor.ts";
export { bearerToken, type HeadersLike } from "./jwt/bearer-token.ts";
export { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from "./jwt/jwt-verifier.ts";
export { createMtlsFetch, type MtlsFetch } from "./mtls/mtls-fetch.ts";
export { loadMtlsMaterial, type MtlsMaterial } from "./mtls/mtls-material.ts";
export { mtlsAgent, mtlsClientOptions, mtlsServerOptions } from "./mtls/mtls-options.ts";
export { createKeyMatcher, DEFAULT_SECRET_KEYS } from "./redaction/key-matcher.ts";
export { createTextRedactor, MASK, obfuscateUrl, redactSecrets } from "./redaction/redact-secrets.ts";
export { createRedactor, type Redactor, type RedactorOptions, redactError } from "./redaction/redactor.ts";
export {
  AwsSecretsManagerSecrets,
  type AwsSecretsManagerSecretsOptions,
  type SecretsManagerClientLike,
} from "./secrets/aws-secrets-manager-secrets.ts";
export { type CachedSecretsOptions, cachedSecrets } from "./secrets/cached-secrets.ts";
export { EnvSecrets, secretEnvName } from "./secrets/env-secrets.ts";
export {
  GcpSecretManagerSecrets,
  type GcpSecretManagerSecretsOptions,
  type SecretManagerClientLike,
} from "./secrets/gcp-secret-manager-secrets.ts";
export { openSecretsProvider, type SecretsProviderDeps } from "./secrets/open-secrets-provider.ts";
export { type SecretsProvider, selectSecretValue } from "./secrets/secrets-provider.ts";
export { VaultSecrets, type VaultSecretsOptions } from "./secrets/vault-secrets.ts";
export { isSensitive, REDACTED, Sensitive, sensitive, zSensitive } from "./sensitive/sensitive.ts";
