/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-engine-error"

#include "config.h"

#include "lq-engine-error.h"

G_DEFINE_QUARK (lq-engine-error-quark, lq_engine_error)
