import * as z from 'zod';

/** What a failure's record and its email may say about it: the error and one line of message. */
export const MAX_FAILURE_MESSAGE = 300;

/** The shape Lambda gives an error that a task state's Catch passes on as its `Cause` (a JSON string). */
const lambdaErrorCause = z.object({ errorType: z.string().optional(), errorMessage: z.string().optional() });

const STACK_FRAME = /^\s*at\s/;

function oneLine(text: string): string {
  const line = text
    .split('\n')
    .map((part) => part.trim())
    .find((part) => part.length > 0 && !STACK_FRAME.test(part));
  const clean = (line ?? '').replace(/\s+/g, ' ');
  return clean.length > MAX_FAILURE_MESSAGE ? `${clean.slice(0, MAX_FAILURE_MESSAGE - 1)}…` : clean;
}

/**
 * The error name and message of a failed step, without the stack trace: in AWS a Lambda error's `Cause`
 * is `{"errorType","errorMessage","trace":[…]}`, and the trace (file paths, line numbers, code) is no
 * evidence for the hash-chained history nor something to email an office. It stays in the logs.
 */
export function describeFailure(failure: { Error: string; Cause?: string }): { error: string; message: string } {
  const cause = failure.Cause ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    parsed = undefined;
  }
  const lambda = lambdaErrorCause.safeParse(parsed);
  if (
    lambda.success &&
    parsed !== null &&
    typeof parsed === 'object' &&
    (lambda.data.errorMessage !== undefined || lambda.data.errorType !== undefined)
  ) {
    return { error: failure.Error, message: oneLine(lambda.data.errorMessage ?? '') };
  }
  return { error: failure.Error, message: oneLine(cause) };
}
