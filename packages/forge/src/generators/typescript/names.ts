/**
 * Name conversions between the architecture's words (kebab-case service names, PascalCase event and
 * entity names, snake_case job keys) and TypeScript identifiers, file names and env variables.
 * @module
 */

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** `user-service` → `UserService`; `daily_sales_report` → `DailySalesReport`. */
export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/** `user-service` → `userService`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** `OrderCreated` → `order-created`. */
export function kebabCase(name: string): string {
  return words(name).join("-");
}

/** `user-service` → `USER_SERVICE`. */
export function constantCase(name: string): string {
  return words(name).join("_").toUpperCase();
}

/** A naive English plural for REST collection paths: `User` → `users`, `Category` → `categories`. */
export function pluralKebab(name: string): string {
  const base = kebabCase(name);
  if (/[^aeiou]y$/.test(base)) return `${base.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(base)) return `${base}es`;
  return `${base}s`;
}

/** A JSON string literal usable in generated TypeScript: `"a\"b"`. */
export function str(value: string): string {
  return JSON.stringify(value);
}
