/**
 * `infrastructure/docker/docker-compose.yml`: every service built from its Dockerfile, plus the real
 * engines the architecture needs — PostgreSQL when a service stores data, the `settings.event_bus`
 * broker, Redis when a service uses it (seed 000 "Phase 3", docker/). Written with the `yaml` library.
 * @module
 */
import { stringify } from "yaml";
import type { ScaffoldedService } from "../../archetypes/scaffold.ts";
import type { ResolvedArchitecture } from "../../config/resolve.ts";
import { DEV_JWT_SECRET } from "../workspace/dev-defaults.ts";

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; retries: number };
}

/** The broker container and the EVENT_BUS_URL services use to reach it; undefined for cloud-only buses. */
function broker(eventBus: string): { name: string; service: ComposeService; url: string } | undefined {
  switch (eventBus) {
    case "kafka":
      return {
        name: "kafka",
        url: "kafka://kafka:9092",
        service: {
          image: "apache/kafka:3.9.0",
          environment: {
            KAFKA_NODE_ID: "1",
            KAFKA_PROCESS_ROLES: "broker,controller",
            KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
            KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092",
            KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
            KAFKA_CONTROLLER_QUORUM_VOTERS: "1@kafka:9093",
            KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
          },
          ports: ["9092:9092"],
        },
      };
    case "rabbitmq":
      return {
        name: "rabbitmq",
        url: "amqp://guest:guest@rabbitmq:5672",
        service: { image: "rabbitmq:3.13-management", ports: ["5672:5672", "15672:15672"] },
      };
    case "nats":
      return {
        name: "nats",
        url: "nats://nats:4222",
        service: { image: "nats:2.10", command: ["-js"], ports: ["4222:4222"] },
      };
    default:
      return undefined;
  }
}

/** Builds the compose file's text for the scaffolded services. */
export function composeFile(
  architecture: ResolvedArchitecture,
  services: readonly ScaffoldedService[],
): string {
  const needsDatabase = services.some((s) => s.plan.engines.database === true);
  const needsRedis = services.some((s) => s.plan.engines.redis === true);
  const bus = broker(architecture.architecture.settings.event_bus);
  const name = architecture.architecture.architecture.name;
  const infra: Record<string, ComposeService> = {};
  if (needsDatabase) {
    infra.postgres = {
      image: "postgres:16",
      environment: { POSTGRES_USER: "allframe", POSTGRES_PASSWORD: "allframe", POSTGRES_DB: name },
      ports: ["5432:5432"],
      healthcheck: { test: ["CMD", "pg_isready", "-U", "allframe"], interval: "5s", retries: 10 },
    };
  }
  if (bus !== undefined) infra[bus.name] = bus.service;
  if (needsRedis) infra.redis = { image: "redis:7", ports: ["6379:6379"] };
  const apps: Record<string, ComposeService> = {};
  for (const { service, plan, dir } of services) {
    const environment: Record<string, string> = { HOST: "0.0.0.0", PORT: String(service.httpPort) };
    const dependsOn: Record<string, { condition: string }> = {};
    // A service gets only the engine variables its config reads; the containers follow the architecture.
    const reads = (name: string): boolean => plan.env.some((v) => v.name === name);
    if (plan.engines.database === true && reads("DATABASE_URL")) {
      environment.DATABASE_URL = `postgres://allframe:allframe@postgres:5432/${name}`;
      dependsOn.postgres = { condition: "service_healthy" };
    }
    if (bus !== undefined) {
      environment.EVENT_BUS_URL = bus.url;
      dependsOn[bus.name] = { condition: "service_started" };
    }
    const idempotency = service.idempotency;
    if (idempotency?.enabled === true && idempotency.storage === "redis") {
      environment.IDEMPOTENCY_STORE_URL = "redis://redis:6379";
      dependsOn.redis = { condition: "service_started" };
    } else if (idempotency?.enabled === true && idempotency.storage === "postgres") {
      environment.IDEMPOTENCY_STORE_URL = `postgres://allframe:allframe@postgres:5432/${name}`;
      dependsOn.postgres = { condition: "service_healthy" };
    }
    if (plan.engines.redis === true && reads("REDIS_URL")) {
      environment.REDIS_URL = "redis://redis:6379";
      dependsOn.redis = { condition: "service_started" };
    }
    // The images run with NODE_ENV=production, where migrations are a deploy step; a local stack applies them at start.
    if (reads("MIGRATE_ON_START")) environment.MIGRATE_ON_START = "true";
    // A local stack, like `allframe dev`: the shell's JWT_SECRET, else the documented development one.
    if (reads("JWT_SECRET")) environment.JWT_SECRET = `\${JWT_SECRET:-${DEV_JWT_SECRET}}`;
    apps[service.name] = {
      build: { context: "../..", dockerfile: `${dir}/Dockerfile` },
      environment,
      ports: [`${service.httpPort}:${service.httpPort}`],
      ...(Object.keys(dependsOn).length > 0 ? { depends_on: dependsOn } : {}),
    };
  }
  return stringify({ name, services: { ...infra, ...apps } }, { lineWidth: 0 });
}
