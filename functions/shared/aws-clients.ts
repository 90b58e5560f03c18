import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SDK_CONNECTION_TIMEOUT_MS, SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS } from './time-limits';

/**
 * Every SDK client gets connection and request timeouts: a dependency that hangs must surface as an
 * error the API can answer with 503, never as a request that waits forever. (`throwOnRequestTimeout`: without
 * it the HTTP handler only logs a warning when `requestTimeout` passes and keeps waiting.)
 */
export const REQUEST_HANDLER = {
  connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
  requestTimeout: SDK_REQUEST_TIMEOUT_MS,
  throwOnRequestTimeout: true,
} as const;

export class ScanForbiddenError extends Error {
  override readonly name = 'ScanForbiddenError';
}

/**
 * A DynamoDB client that refuses Scan. Every read in Rectify is a Query or a Get on a known key, so a
 * Scan can only be a bug — and one that would read every case ever stored.
 */
export function dynamoDbClient(options: { maxAttempts?: number } = {}): DynamoDBClient {
  const client = new DynamoDBClient({
    maxAttempts: options.maxAttempts ?? SDK_MAX_ATTEMPTS,
    requestHandler: REQUEST_HANDLER,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand')
        throw new ScanForbiddenError('DynamoDB Scan is not allowed in Rectify');
      return next(args);
    },
    { step: 'initialize', name: 'forbidScan' },
  );
  return client;
}

export function documentClient(client: DynamoDBClient = dynamoDbClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * An SES client (SendRawEmail, for emails with attachments) that never retries by itself: SendRawEmail has
 * no idempotency token, so a retry after a timeout could send an email twice. The mailer retries only
 * errors that prove the email was not accepted.
 */
export function sesClient(): SESClient {
  return new SESClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER });
}
