// Applied before every test file: the SDK talks to the local parts only.
import { readFileSync } from 'node:fs';
import { LOCAL_PARTS_FILE } from './paths';

const parts = JSON.parse(readFileSync(LOCAL_PARTS_FILE, 'utf8')) as {
  dynamoEndpoint: string;
  s3Endpoint: string;
  objectsDir: string;
};
process.env.AWS_ENDPOINT_URL_DYNAMODB = parts.dynamoEndpoint;
process.env.AWS_ENDPOINT_URL_S3 = parts.s3Endpoint;
/** Where the run's local S3 keeps its files (a test checks their modes). */
process.env.RECTIFY_TEST_OBJECTS_DIR = parts.objectsDir;
process.env.AWS_REGION = 'ap-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
