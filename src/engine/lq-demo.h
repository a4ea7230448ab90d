/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LQ_DEMO_RATE 44100

GPtrArray *lq_demo_write_album (GFile         *folder,
                                GCancellable  *cancellable,
                                GError       **error);

G_END_DECLS
