/* addr.c — IPv4/IPv6 address and CIDR parsing and formatting (RFC 4291 text, RFC 5952 output). */
#include "base/internal.h"

#include <stdio.h>
#include <string.h>

static int parse_v4(const char *s, size_t len, uint32_t *out)
{
    uint32_t v = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= len || s[i] != '.')
                return -1;
            i++;
        }
        size_t start = i;
        uint32_t octet = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            octet = octet * 10 + (uint32_t)(s[i++] - '0');
        if (i == start || octet > 255 || (i - start > 1 && s[start] == '0'))
            return -1;
        v = (v << 8) | octet;
    }
    if (i != len)
        return -1;
    *out = v;
    return 0;
}

/* Parses the groups of an IPv6 text into 8 16-bit words. */
static int parse_v6(const char *s, size_t len, uint16_t w[8])
{
    int n = 0, gap = -1;
    size_t i = 0;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len && s[0] == ':')
        return -1;
    while (i < len) {
        if (n >= 8)
            return -1;
        size_t start = i;
        uint32_t v = 0;
        while (i < len && vf_hexval(s[i]) >= 0 && i - start < 4)
            v = (v << 4) | (uint32_t)vf_hexval(s[i++]);
        if (i < len && s[i] == '.') { /* embedded IPv4 in the last 32 bits */
            uint32_t v4;
            if (n > 6 || parse_v4(s + start, len - start, &v4) < 0)
                return -1;
            w[n++] = (uint16_t)(v4 >> 16);
            w[n++] = (uint16_t)v4;
            i = len;
            break;
        }
        if (i == start)
            return -1;
        w[n++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != ':')
            return -1;
        i++;
        if (i < len && s[i] == ':') {
            if (gap >= 0)
                return -1;
            gap = n;
            i++;
        } else if (i == len)
            return -1; /* trailing single colon */
    }
    if (gap < 0) {
        if (n != 8)
            return -1;
    } else {
        if (n >= 8)
            return -1;
        int move = n - gap;
        memmove(w + 8 - move, w + gap, (size_t)move * sizeof w[0]);
        for (int k = gap; k < 8 - move; k++)
            w[k] = 0;
    }
    return 0;
}

int vpcflow_addr_parse(const char *s, size_t len, vpcflow_addr *out)
{
    if (!len || len > 45)
        return -1;
    if (memchr(s, ':', len)) {
        uint16_t w[8];
        if (parse_v6(s, len, w) < 0)
            return -1;
        out->hi = ((uint64_t)w[0] << 48) | ((uint64_t)w[1] << 32) | ((uint64_t)w[2] << 16) | w[3];
        out->lo = ((uint64_t)w[4] << 48) | ((uint64_t)w[5] << 32) | ((uint64_t)w[6] << 16) | w[7];
        return 0;
    }
    uint32_t v4;
    if (parse_v4(s, len, &v4) < 0)
        return -1;
    *out = vpcflow_addr_from_v4(v4);
    return 0;
}

size_t vpcflow_addr_format(vpcflow_addr a, char *buf, size_t cap)
{
    int n;
    if (vpcflow_addr_is_v4(a)) {
        uint32_t v = vpcflow_addr_v4(a);
        n = snprintf(buf, cap, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
        return n < 0 ? 0 : (size_t)n;
    }
    uint16_t w[8];
    for (int k = 0; k < 4; k++) {
        w[k] = (uint16_t)(a.hi >> (48 - 16 * k));
        w[4 + k] = (uint16_t)(a.lo >> (48 - 16 * k));
    }
    int best = -1, bestlen = 1; /* RFC 5952: compress the longest run of two or more zeros */
    for (int k = 0; k < 8;) {
        if (w[k]) {
            k++;
            continue;
        }
        int j = k;
        while (j < 8 && !w[j])
            j++;
        if (j - k > bestlen) {
            best = k;
            bestlen = j - k;
        }
        k = j;
    }
    char tmp[48];
    size_t p = 0;
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            tmp[p++] = ':';
            if (k == 0)
                tmp[p++] = ':';
            k += bestlen - 1;
            continue;
        }
        p += (size_t)snprintf(tmp + p, sizeof tmp - p, "%x", w[k]);
        if (k < 7)
            tmp[p++] = ':';
    }
    tmp[p] = 0;
    n = snprintf(buf, cap, "%s", tmp);
    return n < 0 ? 0 : (size_t)n;
}

int vpcflow_cidr_parse(const char *s, size_t len, vpcflow_addr *net, unsigned *plen)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    if (vpcflow_addr_parse(s, alen, net) < 0)
        return -1;
    int v4 = vpcflow_addr_is_v4(*net) && !memchr(s, ':', alen);
    unsigned max = v4 ? 32 : 128, p = max;
    if (slash) {
        size_t i = alen + 1;
        if (i >= len || len - i > 3)
            return -1;
        p = 0;
        for (; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            p = p * 10 + (unsigned)(s[i] - '0');
        }
        if (p > max)
            return -1;
    }
    *plen = v4 ? p + 96 : p;
    /* clear host bits so that the network compares equal however it was written */
    unsigned bits = *plen;
    if (bits <= 64) {
        net->hi = bits == 0 ? 0 : bits == 64 ? net->hi : net->hi & (~UINT64_C(0) << (64 - bits));
        net->lo = 0;
    } else if (bits < 128) {
        net->lo &= ~UINT64_C(0) << (128 - bits);
    }
    return 0;
}

int vpcflow_cidr_contains(vpcflow_addr net, unsigned plen, vpcflow_addr a)
{
    if (plen == 0)
        return 1;
    if (plen <= 64) {
        uint64_t m = ~UINT64_C(0) << (64 - plen);
        return (a.hi & m) == net.hi;
    }
    uint64_t m = plen == 128 ? ~UINT64_C(0) : ~UINT64_C(0) << (128 - plen);
    return a.hi == net.hi && (a.lo & m) == net.lo;
}
