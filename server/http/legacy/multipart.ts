/**
 * multipart/form-data bodies of the legacy URL API, parsed with busboy (a maintained streaming
 * parser; we never parse multipart by hand). Text fields become request parameters exactly like
 * the fields of a url-encoded body (PHP fills $_POST from both the same way, brackets included);
 * file parts become `UploadedFile`s, which the engine receives as plain data ($_FILES).
 *
 * PHP keeps only the base name of an uploaded file (it cuts everything up to the last `/` or `\`);
 * busboy does the same unless told to preserve paths, so a name like `../../x.txt` arrives as `x.txt`.
 */
import busboy from 'busboy';
import type { UploadedFile } from '../../engine/index.js';
import { cleanText } from './params.js';

export interface MultipartLimits {
  /** largest file part, bytes */
  fileBytes: number;
  /** most file parts in one body */
  files: number;
  /** most text fields in one body */
  fields: number;
  /** largest text field, bytes */
  fieldBytes: number;
}

export interface MultipartBody {
  /** text fields in arrival order (names and values cleaned like every other parameter) */
  fields: Array<[string, string]>;
  files: UploadedFile[];
}

/** thrown when a part is larger than the limits allow: answered 413 */
export class MultipartTooLarge extends Error {}

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().trimStart().startsWith('multipart/form-data');
}

/**
 * Parses a whole multipart body held in memory (the legacy router reads every body raw, under
 * its size limit). A body busboy cannot parse (no boundary, truncated) yields what was read
 * before the fault, as PHP does with a broken body: no error, fewer fields.
 */
export function parseMultipart(body: Buffer, contentType: string, limits: MultipartLimits): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    const out: MultipartBody = { fields: [], files: [] };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defCharset: 'utf8',
        defParamCharset: 'utf8',
        limits: { fileSize: limits.fileBytes, files: limits.files, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.files + limits.fields },
      });
    } catch {
      // no boundary or not multipart after all: no fields
      resolve(out);
      return;
    }
    let failed: Error | null = null;
    const fail = (err: Error): void => {
      failed ??= err;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new MultipartTooLarge(`a form field is longer than ${limits.fieldBytes} bytes`));
      // busboy gives no name for `name=""` (PHP drops such a field too)
      if (name) out.fields.push([cleanText(name), cleanText(value)]);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('limit', () => fail(new MultipartTooLarge(`the file ${info.filename ?? ''} is larger than ${limits.fileBytes} bytes`)));
      stream.on('end', () => {
        if (!name) return;
        out.files.push({
          field: cleanText(name),
          name: cleanText(info.filename ?? ''),
          type: cleanText(info.mimeType),
          size,
          content: Buffer.concat(chunks, size),
        });
      });
    });
    parser.on('filesLimit', () => fail(new MultipartTooLarge(`more than ${limits.files} files in one request`)));
    parser.on('fieldsLimit', () => fail(new MultipartTooLarge(`more than ${limits.fields} form fields in one request`)));
    parser.on('partsLimit', () => fail(new MultipartTooLarge(`more than ${limits.files + limits.fields} parts in one request`)));
    parser.on('error', () => resolve(out));
    parser.on('close', () => (failed ? reject(failed) : resolve(out)));
    parser.end(body);
  });
}
