/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the kernels we build for (Debian 12's 6.1 to sid's 7.2), in one
 * place: modules are written against the newest API and include this header where they use
 * something it supplies on older kernels. No other file tests kernel versions or features.
 */
#ifndef XA_COMPAT_H
#define XA_COMPAT_H

#include <linux/timer.h>

/* 6.16 renamed from_timer() to timer_container_of() and dropped the old name. */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

#endif /* XA_COMPAT_H */
