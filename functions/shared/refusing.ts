/**
 * Stands in for something a function was deliberately not given (no permission, no configuration):
 * reading any property of it throws `message`, so a use is reported as the bug it is rather than
 * answered from a silent default.
 */
export function refusing<T extends object>(message: string): T {
  return new Proxy(Object.create(null) as T, {
    get: () => {
      throw new Error(message);
    },
  });
}
