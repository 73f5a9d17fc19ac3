/**
 * A request the target cannot express is the caller's problem, and the gateway says so before
 * calling the provider: a clear 400 in the client's own error shape naming the gap, never a
 * provider 500 and never a silent drop. Two gaps: images to a Chat server configured text-only
 * (the `images: false` provider quirk), and an http(s) image URL to Gemini (which only takes
 * inline bytes or its own file URIs).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-unexpressible-01';
/** A 1×1 transparent PNG. */
const pngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const remoteImage = 'https://example.com/cat.png';
let textOnlyChat: ChatEmulator;
let gemini: GeminiEmulator;
let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let genai: GoogleGenAI;

before(async () => {
  // The emulator is text-only too: had the gateway sent the image, it would answer its own 400.
  textOnlyChat = await startChatEmulator({ respond: () => ({ text: 'I only read text.' }), flavor: 'vllm', textOnly: true });
  gemini = await startGeminiEmulator({ respond: () => ({ text: 'A transparent pixel.' }) });
  gateway = await startTestGateway(`
providers:
  text-only:
    type: openai-compatible
    base_url: ${textOnlyChat.url}
    api_key: sk-chat-upstream-test
    quirks: { images: false }
  google:
    type: gemini
    base_url: ${gemini.url}
    api_key: gemini-upstream-test
models:
  text-model: { provider: text-only, model: llama-3.1-8b-instruct }
  gemini-model: { provider: google, model: gemini-3-flash-preview }
keys:
  - { name: dev, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
  openai = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: clientKey, baseURL: gateway.url, maxRetries: 0 });
  genai = new GoogleGenAI({ apiKey: clientKey, httpOptions: { baseUrl: gateway.url } });
});

after(async () => {
  await gateway.close();
  await textOnlyChat.close();
  await gemini.close();
});

type StatusError = { status?: number; message: string };

/** Runs `call`, expects it to throw a 400 whose message matches, and no upstream request to be made. */
async function assertGap(call: () => Promise<unknown>, message: RegExp, upstream: { requests: unknown[] }): Promise<void> {
  const before = upstream.requests.length;
  await assert.rejects(call, (error: StatusError) => {
    assert.equal(error.status, 400, `status ${error.status}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
  assert.equal(upstream.requests.length, before, 'the provider was never called');
}

describe('an image to a Chat server configured text-only (quirk images: false)', () => {
  const gap = /llama-3\.1-8b-instruct does not accept images/;

  test('openai responses: input_image → 400 naming the model and the gap', async () => {
    await assertGap(
      () =>
        openai.responses.create({
          model: 'text-model',
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: 'What is this?' },
                { type: 'input_image', detail: 'auto', image_url: `data:image/png;base64,${pngBase64}` },
              ],
            },
          ],
        }),
      gap,
      textOnlyChat,
    );
  });

  test('anthropic messages: an image block → 400 in the Anthropic error shape', async () => {
    await assertGap(
      () =>
        anthropic.messages.create({
          model: 'text-model',
          max_tokens: 100,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
                { type: 'text', text: 'What is this?' },
              ],
            },
          ],
        }),
      gap,
      textOnlyChat,
    );
    const [row] = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 });
    assert.equal(row?.outcome, 'invalid_request', "logged as the caller's fault, not the provider's");
  });

  test('google genai: an inlineData part → 400', async () => {
    await assertGap(
      () =>
        genai.models.generateContent({
          model: 'text-model',
          contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: pngBase64 } }, { text: 'What is this?' }] }],
        }),
      gap,
      textOnlyChat,
    );
  });

  test("openai chat (same dialect, passthrough): the server's own 400 reaches the client as a 400", async () => {
    // The passthrough forwards bytes without decoding them, so the quirk is not consulted; the
    // text-only server refuses the image itself and that refusal is passed on, status intact.
    const before = textOnlyChat.requests.length;
    await assert.rejects(
      openai.chat.completions.create({
        model: 'text-model',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
            ],
          },
        ],
      }),
      (error: StatusError) => error.status === 400 && /image_url is only supported by certain models/.test(error.message),
    );
    assert.equal(textOnlyChat.requests.length, before + 1);
  });

  test('text still goes through to the same model', async () => {
    const response = await openai.responses.create({ model: 'text-model', input: 'Describe a cat in words.' });
    assert.equal(response.output_text, 'I only read text.');
  });
});

describe('an http image URL to Gemini (it only takes inline bytes or its own file URIs)', () => {
  const gap = /Gemini only accepts images as inline data.*does not download https:\/\/example\.com\/cat\.png/;

  test('openai responses: input_image by URL → 400 saying to send the bytes', async () => {
    await assertGap(
      () =>
        openai.responses.create({
          model: 'gemini-model',
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: 'What is this?' },
                { type: 'input_image', detail: 'auto', image_url: remoteImage },
              ],
            },
          ],
        }),
      gap,
      gemini,
    );
  });

  test('openai chat: image_url by URL → 400', async () => {
    await assertGap(
      () =>
        openai.chat.completions.create({
          model: 'gemini-model',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image_url', image_url: { url: remoteImage } },
              ],
            },
          ],
        }),
      gap,
      gemini,
    );
  });

  test('anthropic messages: a url image source → 400', async () => {
    await assertGap(
      () =>
        anthropic.messages.create({
          model: 'gemini-model',
          max_tokens: 100,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'url', url: remoteImage } },
                { type: 'text', text: 'What is this?' },
              ],
            },
          ],
        }),
      gap,
      gemini,
    );
  });

  test('the same image as a data: URL is sent inline and answered', async () => {
    const response = await openai.chat.completions.create({
      model: 'gemini-model',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
          ],
        },
      ],
    });
    assert.equal(response.choices[0]?.message.content, 'A transparent pixel.');
    const parts = gemini.requests.at(-1)!.body.contents[0].parts;
    assert.deepEqual(
      parts.find((part: { inlineData?: unknown }) => part.inlineData),
      { inlineData: { mimeType: 'image/png', data: pngBase64 } },
    );
  });
});
