import { types } from 'node:util';

/**
 * Side-effect-free descriptions of values the serializer does not walk. Everything here reads
 * through the built-in prototypes' own getters and data descriptors taken at load time, so a
 * value's own code (a getter, an overridden toString, a subclass's accessor) never runs.
 */

const getter = (proto: object, key: string) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayLength = getter(typedArrayProto, 'byteLength');
const dataViewLength = getter(DataView.prototype, 'byteLength');
const arrayBufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const regexpSource = getter(RegExp.prototype, 'source');
const regexpFlags = getter(RegExp.prototype, 'flags');
const mapSize = getter(Map.prototype, 'size');
const setSize = getter(Set.prototype, 'size');
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;

/** Marks an accessor property: its getter is not run. */
export const ACCESSOR = '[Getter]';

/**
 * The value of a data property of `value` (own, or anywhere on the prototype chain with
 * `inherited`); ACCESSOR for a getter, undefined when absent. Never runs the value's code.
 */
export function ownData(value: object, key: string, inherited = false): unknown {
  let target: object | null = value;
  while (target !== null) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor.value : ACCESSOR;
    if (!inherited) return undefined;
    target = Object.getPrototypeOf(target) as object | null;
    if (target !== null && types.isProxy(target)) return undefined;
  }
  return undefined;
}

/** A function's or class's own name, without running a `static get name()`. */
function nameOf(fn: unknown): string {
  if (typeof fn !== 'function') return '';
  const name = ownData(fn, 'name');
  return typeof name === 'string' && name !== ACCESSOR ? name : '';
}

/** The constructor name of an object, read from its prototype's data property. */
export function constructorName(value: object): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null) return 'Object';
  if (types.isProxy(proto)) return 'Object';
  return nameOf(ownData(proto, 'constructor', true)) || 'Object';
}

/** What stands for a container below maxDepth: `<Array len=3>`, `<Point>`, as in the Python SDK. */
export function summary(value: object): string {
  if (Array.isArray(value)) return `<Array len=${value.length}>`;
  if (types.isMap(value)) return `<Map len=${mapSize.call(value) as number}>`;
  if (types.isSet(value)) return `<Set len=${setSize.call(value) as number}>`;
  return `<${constructorName(value)}>`;
}

/**
 * A bounded text for a value that is shown by type rather than walked, or undefined for a plain
 * object or class instance (walked by its own data properties).
 */
export function describeOpaque(value: object): string | undefined {
  if (typeof value === 'function') {
    const name = nameOf(value) || 'anonymous';
    return `[Function: ${name}]`;
  }
  if (types.isDate(value)) {
    const time = dateTime.call(value);
    return Number.isNaN(time) ? 'Invalid Date' : dateIso.call(value);
  }
  if (types.isRegExp(value)) return `/${regexpSource.call(value) as string}/${regexpFlags.call(value) as string}`;
  if (types.isTypedArray(value)) return `[${constructorName(value)}(${typedArrayLength.call(value) as number})]`;
  if (types.isDataView(value)) return `[DataView(${dataViewLength.call(value) as number})]`;
  if (types.isArrayBuffer(value)) return `[ArrayBuffer(${arrayBufferLength.call(value) as number})]`;
  if (types.isSharedArrayBuffer(value)) return '[SharedArrayBuffer]';
  if (types.isPromise(value)) return '[Promise]';
  if (types.isWeakMap(value) || types.isWeakSet(value)) return `[${constructorName(value)}]`;
  if (types.isBoxedPrimitive(value) || types.isModuleNamespaceObject(value)) return `[${constructorName(value)}]`;
  if (types.isGeneratorObject(value) || types.isMapIterator(value) || types.isSetIterator(value)) return `[${constructorName(value)}]`;
  if (typeof WeakRef === 'function' && value instanceof WeakRef) return '[WeakRef]';
  return undefined;
}

/**
 * A bigint as written: its digits up to maxString, or only its size when longer. Decimal
 * conversion of a huge bigint costs far more than its size, so the size comes from the hex form
 * (linear) and the digits are printed only when they fit.
 */
export function bigintText(value: bigint, maxString: number): string {
  const hexDigits = (value < 0n ? -value : value).toString(16).length;
  const approxDigits = Math.ceil(hexDigits * Math.log10(16));
  if (approxDigits <= maxString + 2) return value.toString();
  return `<bigint ~${approxDigits} digits>`;
}
