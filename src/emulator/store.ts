import type { JsonObject } from "../json.ts";
import type { ResolvedTenant } from "./seed.ts";

/**
 * The partner objects of every tenant, in stored form (see `payload-validation.ts`): one store
 * per tenant, shared by v1.0 and beta, as in the real service. Objects keep their seed order.
 * Every value handed out is a copy, so callers can never change the state behind its back.
 */
export class ObjectStore {
  readonly #seed: ReadonlyMap<string, ReadonlyMap<string, readonly JsonObject[]>>;
  #state = new Map<string, Map<string, JsonObject[]>>();

  constructor(tenants: readonly ResolvedTenant[]) {
    this.#seed = new Map(
      tenants.map((tenant) => [tenant.tenantId.toLowerCase(), tenant.collections]),
    );
    this.reset();
  }

  /** Back to the seed state. */
  reset(): void {
    this.#state = new Map(
      [...this.#seed].map(([tenantId, collections]) => [
        tenantId,
        new Map([...collections].map(([name, objects]) => [name, objects.map(copy)])),
      ]),
    );
  }

  list(tenantId: string, collection: string): JsonObject[] {
    return (this.#collection(tenantId, collection) ?? []).map(copy);
  }

  get(tenantId: string, collection: string, id: string): JsonObject | undefined {
    const found = this.#find(tenantId, collection, id);
    return found && copy(found);
  }

  /**
   * Merges `values` into the object (top-level properties replaced whole, as OData PATCH does
   * with collections and complex values) and returns the result; undefined when there is no such
   * object.
   */
  update(
    tenantId: string,
    collection: string,
    id: string,
    values: JsonObject,
  ): JsonObject | undefined {
    const found = this.#find(tenantId, collection, id);
    if (!found) return undefined;
    Object.assign(found, copy(values));
    return copy(found);
  }

  #collection(tenantId: string, collection: string): JsonObject[] | undefined {
    return this.#state.get(tenantId.toLowerCase())?.get(collection);
  }

  // Intune ids are GUIDs, which Graph matches regardless of case.
  #find(tenantId: string, collection: string, id: string): JsonObject | undefined {
    const wanted = id.toLowerCase();
    return this.#collection(tenantId, collection)?.find(
      (object) => typeof object["id"] === "string" && object["id"].toLowerCase() === wanted,
    );
  }
}

function copy(object: JsonObject): JsonObject {
  return structuredClone(object);
}
