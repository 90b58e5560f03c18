import type { Context } from 'aws-lambda';

/**
 * Powertools Logger's `injectLambdaContext`, without a middleware library: every log line of the
 * invocation carries its request id, the function's name, version and memory, and whether it was a cold
 * start. Does nothing outside Lambda (no context) or for a logger that is not Powertools'.
 */
export function injectLambdaContext(logger: unknown, context: unknown): void {
  const isContext =
    typeof context === 'object' &&
    context !== null &&
    typeof (context as { awsRequestId?: unknown }).awsRequestId === 'string';
  const addContext = (logger as { addContext?: unknown } | undefined)?.addContext;
  if (isContext && typeof addContext === 'function')
    (addContext as (context: Context) => void).call(logger, context as Context);
}
