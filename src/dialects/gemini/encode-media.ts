import { invalidRequest } from '../../core/errors.ts';
import type { ImageSource } from '../../core/ir/index.ts';
import type { GeminiPart } from './wire.ts';

const dataUrlPattern = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** URIs Gemini reads itself: its Files API and Cloud Storage. */
const fileUriPattern = /^(?:https:\/\/generativelanguage\.googleapis\.com\/|gs:\/\/)/;

/**
 * An image or file source → an `inlineData` (bytes) or `fileData` (a Files API / gs:// URI)
 * part. Gemini does not fetch arbitrary URLs (only `fileData` URIs it hosts): downloading them is not the
 * codec's job, so an http(s) URL is a 400 that tells the caller to send the bytes; provider
 * file ids are not portable either.
 */
export function encodeMedia(source: ImageSource, what: 'image' | 'file'): GeminiPart {
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'url': {
      const dataUrl = dataUrlPattern.exec(source.url);
      if (dataUrl) return { inlineData: { mimeType: dataUrl[1] ?? 'application/octet-stream', data: dataUrl[2] ?? '' } };
      if (fileUriPattern.test(source.url)) return { fileData: { fileUri: source.url } };
      throw invalidRequest(
        `Gemini only accepts ${what}s as inline data (or Gemini Files API / gs:// URIs); this gateway does not download ${source.url.slice(0, 100)}. Send the ${what} as base64 (a data: URL).`,
      );
    }
    case 'file-id':
      throw invalidRequest(`A provider file id (${source.fileId}) cannot be sent to Gemini; send the ${what} inline as base64.`);
  }
}
