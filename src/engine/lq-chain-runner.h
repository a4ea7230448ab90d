/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-chain.h"

G_BEGIN_DECLS

/*
 * LqChainRunner runs a chain's GStreamer elements synchronously, without a pipeline: audio is
 * pushed into the first element from the calling thread and collected from the last one, so
 * render workers, the playback source and analysis all process exactly the same way. Lacquer's
 * elements are latency-compensated, so after lq_chain_runner_finish() the output has exactly
 * as many frames as went in, output frame n being input frame n processed.
 *
 * Not thread-safe: one thread pushes and reads. lq_chain_runner_sync() re-applies the chain's
 * settings to the running elements (safe to call from another thread while processing).
 */
typedef struct _LqChainRunner LqChainRunner;

LqChainRunner *lq_chain_runner_new          (LqChain        *chain,
                                             guint           rate,
                                             guint           channels,
                                             GError        **error);
LqChainRunner *lq_chain_runner_new_for_element (LqChainElement *element,
                                             guint           rate,
                                             guint           channels,
                                             GError        **error);
gboolean       lq_chain_runner_push         (LqChainRunner  *self,
                                             const float    *frames,
                                             gsize           n_frames,
                                             GError        **error);
gboolean       lq_chain_runner_finish       (LqChainRunner  *self,
                                             GError        **error);
gsize          lq_chain_runner_available    (LqChainRunner  *self);
gsize          lq_chain_runner_read         (LqChainRunner  *self,
                                             float          *frames,
                                             gsize           max_frames);
gboolean       lq_chain_runner_sync         (LqChainRunner  *self,
                                             GError        **error);
void           lq_chain_runner_reset        (LqChainRunner  *self);
guint          lq_chain_runner_get_n_elements (LqChainRunner *self);
GstElement    *lq_chain_runner_get_element  (LqChainRunner  *self,
                                             guint           index);
void           lq_chain_runner_free         (LqChainRunner  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqChainRunner, lq_chain_runner_free)

G_END_DECLS
