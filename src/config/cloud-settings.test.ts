import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './load-config.ts';

const parse = (yaml: string, env: NodeJS.ProcessEnv = {}) => parseConfigText(yaml, { env, source: 't', cwd: '/tmp' });

test('bedrock: region from config or AWS_REGION, base URL from the region, keys as secrets', () => {
  const config = parse(
    `providers:
  a: { type: bedrock, region: eu-west-1, access_key_id: AKIAEXAMPLE, secret_access_key: s3cr3t, session_token: tok }
  b: { type: bedrock }
  c: { type: bedrock, region: us-east-1, base_url: "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com" }`,
    { AWS_REGION: 'ap-southeast-2' },
  );
  assert.equal(config.providers.a?.baseUrl, 'https://bedrock-runtime.eu-west-1.amazonaws.com');
  assert.equal(config.providers.a?.credentials?.secretAccessKey?.reveal(), 's3cr3t');
  assert.equal(String(config.providers.a?.credentials?.secretAccessKey), '[secret]');
  assert.equal(config.providers.b?.region, 'ap-southeast-2');
  assert.equal(config.providers.b?.credentials, undefined, 'no keys: the AWS default chain');
  assert.equal(config.providers.c?.baseUrl, 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com');
});

test('vertex: location and project from config or the Google variables; global has its own host', () => {
  const config = parse(
    `providers:
  g: { type: vertex, project: p1, location: global }
  r: { type: vertex }`,
    { GOOGLE_CLOUD_PROJECT: 'p2', GOOGLE_CLOUD_LOCATION: 'us-east5' },
  );
  assert.equal(config.providers.g?.baseUrl, 'https://aiplatform.googleapis.com');
  assert.equal(config.providers.r?.baseUrl, 'https://us-east5-aiplatform.googleapis.com');
  assert.equal(config.providers.r?.project, 'p2');
});

test('what a cloud provider cannot do without, or does not take, is refused with its path', () => {
  assert.throws(() => parse('providers:\n  a: { type: bedrock }\n'), /providers\.a\.region: required for type bedrock/);
  assert.throws(() => parse('providers:\n  v: { type: vertex, location: global }\n'), /providers\.v\.project: required for type vertex/);
  assert.throws(() => parse('providers:\n  v: { type: vertex, project: p }\n'), /providers\.v\.location: required/);
  assert.throws(() => parse('providers:\n  a: { type: bedrock, region: us-east-1, access_key_id: AKIA }\n'), /access_key_id and secret_access_key go together/);
  assert.throws(
    () => parse('providers:\n  a: { type: bedrock, region: us-east-1, credentials_file: /x.json }\n'),
    /providers\.a\.credentials_file: not a setting of type bedrock/,
  );
  assert.throws(
    () => parse('providers:\n  v: { type: vertex, project: p, location: global, region: us-east-1 }\n'),
    /providers\.v\.region: not a setting of type vertex/,
  );
  assert.throws(() => parse('providers:\n  o: { type: openai, region: us-east-1 }\n'), /providers\.o\.region: not a setting of type openai/);
});

test('bedrock: quirks.bedrock_api is invoke or converse, and only on bedrock', () => {
  const config = parse(`providers:\n  a: { type: bedrock, region: us-east-1, quirks: { bedrock_api: converse } }`);
  assert.equal(config.providers.a?.quirks.bedrock_api, 'converse');
  assert.throws(
    () => parse(`providers:\n  a: { type: bedrock, region: us-east-1, quirks: { bedrock_api: conversestream } }`),
    /bedrock_api: "conversestream" is not an API/,
  );
  assert.throws(
    () => parse(`providers:\n  v: { type: vertex, project: p, location: global, quirks: { bedrock_api: converse } }`),
    /not a quirk of type vertex/,
  );
});
