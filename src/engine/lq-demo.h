/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LQ_DEMO_RATE 44100

GPtrArray *lq_demo_write_album (GFile         *folder,
                                GCancellable  *cancellable,
                                GError       **error);

GFile     *lq_demo_write_project (GFile         *folder,
                                GCancellable  *cancellable,
                                GError       **error);

#define LQ_DEMO_PROJECT_NAME "Demo Album.lacquer"

G_END_DECLS
