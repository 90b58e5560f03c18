/**
 * `Promise.withResolvers` (ES2024) for Node 20: aws-local-stepfunctions calls it when a Task state runs.
 * Installed once, only where missing.
 */
interface PromiseWithResolversPolyfill {
  withResolvers?: <T>() => {
    promise: Promise<T>;
    resolve: (value: T | PromiseLike<T>) => void;
    reject: (reason?: unknown) => void;
  };
}

const promiseConstructor = Promise as unknown as PromiseWithResolversPolyfill;

if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}

export {};
