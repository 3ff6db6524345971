/**
 * The slice of Sanity's compiled schema types the walk reads. Sanity's `SchemaType` objects fit
 * it structurally, so the Studio passes them as they are and tests write small literals.
 */

/** A compiled schema type (object, array, image, block, …). */
export interface SchemaNode {
  name: string
  jsonType?: string
  /** The parent type: `figure` → `image` → `object`. */
  type?: SchemaNode | undefined
  fields?: ReadonlyArray<{ name: string; type: SchemaNode }> | undefined
  /** Members of an array type. */
  of?: ReadonlyArray<SchemaNode> | undefined
}

/** True for `image` and every type built on it. */
export function isImageSchema(type: SchemaNode | undefined): boolean {
  let current = type
  for (let depth = 0; current && depth < 20; depth++) {
    if (current.name === 'image') return true
    current = current.type
  }
  return false
}

/** The type of field `name` of an object type. */
export function fieldType(type: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return type?.fields?.find((field) => field.name === name)?.type
}

/** The member type of an array that fits an item with `_type` `itemType`. */
export function memberType(
  type: SchemaNode | undefined,
  itemType: unknown,
): SchemaNode | undefined {
  const members = type?.of
  if (!members || members.length === 0) return undefined
  const byName = members.find((member) => member.name === itemType)
  if (byName) return byName
  // An item without `_type` can only be the single member of the array.
  return itemType === undefined && members.length === 1 ? members[0] : undefined
}

/** Whether an image type declares the alt subfield. */
export function hasField(type: SchemaNode | undefined, name: string): boolean {
  return type?.fields?.some((field) => field.name === name) ?? false
}
