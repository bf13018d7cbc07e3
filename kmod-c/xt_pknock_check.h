/* SPDX-License-Identifier: GPL-2.0-only */
/* xt_pknock: which match data checkentry refuses, and why. */
#ifndef XT_PKNOCK_CHECK_H
#define XT_PKNOCK_CHECK_H

#include "xt_pknock.h"

/* Why checkentry refuses `info` (upstream's wording where it has one), NULL if acceptable. */
const char *pknock_refusal(const struct xt_pknock_mtinfo *info);

#endif /* XT_PKNOCK_CHECK_H */
