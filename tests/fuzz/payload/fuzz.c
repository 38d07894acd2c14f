/* fuzz.c — libFuzzer target for the subscription payload decoder (lib/read/payload.c):
 * base64 → gzip → JSON DATA_MESSAGE → one line per log event. Random bytes rarely survive
 * base64 and gzip, so the first byte picks how the rest is used:
 *   0: the rest is the payload text as it would arrive (JSON event, base64 line, array …);
 *   1: the rest is the JSON document: it is gzipped (stored blocks) and base64-encoded here,
 *      then wrapped as a Lambda event, a Kinesis batch, a Firehose batch or a bare line;
 *   2: the rest is the gzip stream: only base64-encoded here, as a bare line.
 * Whatever decodes must have one event time per line, and its text must end in a newline
 * followed by readable padding. A failure must carry a message. Mode 0's text (AWS CLI
 * output, JSON lines, concatenated payloads among it) is also decoded a part at a time, as the
 * scan streams it (vf_payload_cut_scan over a buffer that grows by a few bytes at a time): when
 * the whole decodes, the parts must too, into the same lines and event times. */
#include "read/lines.h"
#include "read/payload.h"

#include <stdlib.h>
#include <string.h>

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* gzip of p[0..n) with deflate stored blocks; returns its length */
static size_t gzip_stored(const uint8_t *p, size_t n, uint8_t *out)
{
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    size_t o = 0;
    memcpy(out, head, sizeof head);
    o += sizeof head;
    size_t i = 0;
    do {
        size_t k = n - i > 65535 ? 65535 : n - i;
        out[o++] = i + k == n ? 1 : 0;
        out[o++] = (uint8_t)k;
        out[o++] = (uint8_t)(k >> 8);
        out[o++] = (uint8_t)~k;
        out[o++] = (uint8_t)(~k >> 8);
        memcpy(out + o, p + i, k);
        o += k;
        i += k;
    } while (i < n);
    uint32_t crc = crc32_of(p, n), size = (uint32_t)n;
    for (int b = 0; b < 4; b++)
        out[o++] = (uint8_t)(crc >> (8 * b));
    for (int b = 0; b < 4; b++)
        out[o++] = (uint8_t)(size >> (8 * b));
    return o;
}

static size_t base64(const uint8_t *p, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    return o;
}

/* Decodes text in parts as the scan does; 0 when every part decoded into what the whole gave. */
static void decode_parts(const char *text, size_t len, const vf_payload_text *whole)
{
    vf_payload_cut cut;
    memset(&cut, 0, sizeof cut);
    size_t got = 0, off = 0, avail = 0, events = 0;
    for (;;) {
        int eof = off + avail == len;
        size_t end = eof ? avail : vf_payload_cut_scan(&cut, text + off, avail);
        if (end > avail)
            abort();
        if (end) {
            vf_payload_text t;
            vpcflow_error err;
            if (vf_payload_decode_at(text + off, end, "fuzz", 1, &t, &err) != VPCFLOW_OK)
                abort(); /* the whole decoded: so must each of its parts */
            if (got + t.len > whole->len || memcmp(whole->text + got, t.text, t.len) != 0 ||
                events + t.nevents > whole->nevents ||
                (t.nevents && memcmp(whole->event_ms + events, t.event_ms, t.nevents * sizeof *t.event_ms) != 0))
                abort();
            got += t.len;
            events += t.nevents;
            vf_payload_free(&t);
            off += end;
            avail -= end;
            vf_payload_cut_consumed(&cut, end);
        }
        if (eof)
            break;
        size_t step = 1 + (unsigned char)text[off + avail] % 7; /* the next read brings a few bytes */
        avail += step < len - off - avail ? step : len - off - avail;
    }
    if (got != whole->len || events != whole->nevents)
        abort();
}

static void decode(const char *text, size_t len, int parts)
{
    vf_payload_text t;
    vpcflow_error err;
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    if (vf_payload_decode(text, len, "fuzz", &t, &err) != VPCFLOW_OK) {
        if (!err.message[0])
            abort();
        vf_payload_free(&t);
        return;
    }
    if (parts)
        decode_parts(text, len, &t);
    size_t lines = 0;
    for (size_t i = 0; i < t.len; i++)
        lines += t.text[i] == '\n';
    if (lines != t.nevents || (t.len && t.text[t.len - 1] != '\n'))
        abort();
    volatile char sink = 0;
    for (size_t i = 0; i < VF_PAD && t.text; i++)
        sink ^= t.text[t.len + i]; /* the padding the line processor relies on is there */
    (void)sink;
    vf_payload_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 3;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    if (mode == 0) {
        decode((const char *)p, n, 1);
        return 0;
    }
    static const char *const wrap[][2] = {
        {"{\"awslogs\":{\"data\":\"", "\"}}"},
        {"{\"Records\":[{\"kinesis\":{\"data\":\"", "\"}},{\"kinesis\":{\"data\":\"H4sI\"}}]}"},
        {"{\"records\":[{\"data\":\"", "\"}]}"},
        {"", "\n"},
    };
    size_t w = mode == 2 ? 3 : (n ? p[0] % 4 : 0);
    uint8_t *gz = malloc(n + 5 * (n / 65535 + 1) + 18);
    size_t gzlen = mode == 1 ? gzip_stored(p, n, gz) : n;
    if (mode == 2)
        memcpy(gz, p, n);
    size_t cap = strlen(wrap[w][0]) + (gzlen + 2) / 3 * 4 + strlen(wrap[w][1]) + 1;
    char *text = malloc(cap);
    size_t len = strlen(wrap[w][0]);
    memcpy(text, wrap[w][0], len);
    len += base64(gz, gzlen, text + len);
    memcpy(text + len, wrap[w][1], strlen(wrap[w][1]));
    len += strlen(wrap[w][1]);
    decode(text, len, 0);
    free(text);
    free(gz);
    return 0;
}
