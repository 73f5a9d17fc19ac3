import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parameterCheck, type ParameterRule } from './check-parameters.ts';
import { RequestBody } from './request-body.ts';
import { isGatewayError } from './errors.ts';

const rules: ParameterRule[] = [
  { name: 'n', type: 'integer', min: 1, max: 128, nullable: true },
  { name: 'temperature', type: 'number', min: 0, max: 2 },
  { name: 'stream', type: 'boolean' },
  { parent: 'config', name: 'topK', type: 'integer', min: 1 },
];
const check = parameterCheck(rules);

/** The answer for a body: the param refused, or 'ok'. */
function verdict(run: (body: RequestBody) => void, json: string): string {
  try {
    run(new RequestBody(Buffer.from(json)));
    return 'ok';
  } catch (error) {
    assert.ok(isGatewayError(error));
    return error.param ?? 'no-param';
  }
}

/** Forces the exact path: the body is parsed before the check runs. */
const parsedFirst = (body: RequestBody) => {
  body.fields();
  check(body);
};

test('reading only the named members never changes the answer the parsed body gives', () => {
  const values = ['1', '0', '-1', '2.5', '1000', '"x"', 'true', 'null', '{"a":1}', '[1]', '1e400'];
  const names = ['n', 'temperature', 'stream', 'other'];
  let compared = 0;
  for (const name of names)
    for (const value of values)
      for (const nested of values) {
        const bodies = [
          `{"${name}":${value}}`,
          `{"meta":{"${name}":${nested}},"${name}":${value}}`,
          `{"${name}":${value},"list":[{"${name}":${nested}}]}`,
          `{"config":{"topK":${value}},"s":${JSON.stringify(`"${name}":${nested}`)}}`,
          `{"config":${value},"${name}":${nested}}`,
        ];
        for (const json of bodies) {
          assert.equal(verdict(check, json), verdict(parsedFirst, json), json);
          compared++;
        }
      }
  assert.ok(compared > 1000);
});

test('messages name the parameter, the range and what was sent', () => {
  try {
    check(new RequestBody(Buffer.from('{"temperature":-5}')));
    assert.fail('accepted');
  } catch (error) {
    assert.ok(isGatewayError(error));
    assert.equal(error.status, 400);
    assert.equal(error.param, 'temperature');
    assert.match(error.message, /Invalid 'temperature': expected a number from 0 to 2, got -5/);
  }
  assert.equal(verdict(check, '{"config":{"topK":0}}'), 'config.topK');
  assert.equal(verdict(check, '{"config":[1]}'), 'config');
  assert.equal(verdict(check, '{"n":null,"stream":false}'), 'ok');
  assert.equal(verdict(check, '{"stream":null}'), 'stream');
  // A duplicate key means what JSON.parse makes of it (the last one wins), as upstreams read it.
  assert.equal(verdict(check, '{"n":1,"n":1000}'), 'n');
  assert.equal(verdict(check, '{"\\u006e":1000}'), 'n');
  assert.equal(verdict(check, ' {"n" : 5 , "temperature" :\n3 } '), 'temperature');
});
