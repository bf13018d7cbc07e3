/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * C interface of the Rust core (shim/) linked into the kernel modules.
 *
 * Every decision about untrusted packet bytes is made behind this interface.
 * Only integers and pointers cross it; the Rust side gets these declarations
 * through bindgen, so the two can never disagree silently.
 */
#ifndef XA_SHIM_H
#define XA_SHIM_H

#ifdef __KERNEL__
#include <linux/types.h>
/* An IPv4 address or mask in network byte order (sparse checks the kernel's uses). */
typedef __be32 xa_be32;
#else
#include <stddef.h>
#include <stdint.h>
typedef uint32_t xa_be32;
#endif

/* Hash algorithms implemented by the shim (no kernel crypto API needed). */
enum xa_hash {
	XA_HASH_NONE = 0,
	XA_HASH_SHA1 = 1,
	XA_HASH_SHA224 = 2,
	XA_HASH_SHA256 = 3,
	XA_HASH_SHA384 = 4,
	XA_HASH_SHA512 = 5,
};

/* Look up a hash by its kernel crypto name ("sha1", "sha256", ...).
 * Returns XA_HASH_NONE for an unknown name. */
int xa_hash_from_name(const char *name, size_t name_len);

/* Digest size in bytes, 0 for XA_HASH_NONE or an unknown id. */
size_t xa_hash_digest_len(int hash);

/* Longest SYSRQ request (UDP payload) the module considers; longer is refused. */
#define XA_SYSRQ_MAX_REQUEST 512
/* Longest password (upstream's buffer is 64 bytes including the NUL). */
#define XA_SYSRQ_MAX_PASSWORD 63
/* Longest "<dst>" text: the full %pI6 form. */
#define XA_SYSRQ_MAX_DST 39

/* Result of xa_sysrq_verify(). */
enum xa_sysrq_status {
	XA_SYSRQ_OK = 0,
	XA_SYSRQ_E_EMPTY = 1,        /* no payload */
	XA_SYSRQ_E_TOO_LONG = 2,     /* payload longer than XA_SYSRQ_MAX_REQUEST */
	XA_SYSRQ_E_FORMAT = 3,       /* not "<keys>,<seqno>,<salt>,<digest>" */
	XA_SYSRQ_E_SEQNO = 4,        /* seqno empty, not decimal, or > INT64_MAX */
	XA_SYSRQ_E_SHORT_DIGEST = 5, /* fewer hex digits than the hash produces */
	XA_SYSRQ_E_BAD_DIGEST = 6,   /* digest does not match */
	XA_SYSRQ_E_ARGUMENT = 7,     /* bad hash id, password or dst length */
};

struct xa_sysrq_request {
	uint64_t seqno;    /* the request's sequence number, <= INT64_MAX */
	uint32_t keys_off; /* SysRq key characters: payload[keys_off .. keys_off+keys_len) */
	uint32_t keys_len;
};

/*
 * Parse and authenticate one SYSRQ request: payload = "<keys>,<seqno>,<salt>,<hex>"
 * where <hex> is the lowercase hex HASH("<keys>,<seqno>,<salt>," "<dst>,<password>").
 * dst is the destination address as the kernel's %pI4 / %pI6 prints it.
 * The digest comparison is constant-time. Does not look at or update any
 * stored sequence number: the caller does that atomically on success.
 * Returns an enum xa_sysrq_status; *out is written only on XA_SYSRQ_OK.
 */
int xa_sysrq_verify(int hash, const uint8_t *payload, size_t payload_len,
		    const uint8_t *dst, size_t dst_len,
		    const uint8_t *password, size_t password_len,
		    struct xa_sysrq_request *out);

/*
 * The seqno of a request, parsed as xa_sysrq_verify() parses it but not
 * authenticated, for refusing one already used before any hashing. Returns
 * XA_SYSRQ_OK and writes *seqno, or the error xa_sysrq_verify() finds in the
 * payload's form up to the seqno (XA_SYSRQ_E_ARGUMENT for null pointers).
 */
int xa_sysrq_seqno(const uint8_t *payload, size_t payload_len, uint64_t *seqno);

#include "xa_shim_account.h"

#include "xa_shim_pknock.h"

#include "xa_shim_packet.h"
#include "xa_shim_reply.h"
#include "xa_shim_geoip.h"

#endif /* XA_SHIM_H */
