/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqFir: long FIR filters by uniformly partitioned overlap-save FFT convolution (FFTW, fftw3f),
 * one kernel per channel, with double-buffered kernels: a new kernel is staged beside the one
 * playing and takes over with a crossfade over one block, so kernels can change while audio
 * runs without clicks and without any allocation or FFTW planning after lq_fir_new().
 *
 * The delay is one block (lq_fir_get_latency()) on top of the kernel's own delay.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct LqFir LqFir;

/* channels: 1 or 2 (interleaved). block: frames per partition, a power of two >= 16.
 * max_taps: the longest kernel that lq_fir_set_kernel() will be given. Kernels start as
 * silence (all taps 0). Returns NULL on failure. Plans FFTs: not for a real-time thread. */
LqFir *lq_fir_new (unsigned channels, size_t block, size_t max_taps);
void lq_fir_free (LqFir *self);

/* Whether a new kernel can be staged now (FALSE while a crossfade is still under way). */
int lq_fir_ready (const LqFir *self);

/* Stages `taps` (n_taps <= max_taps) as the next kernel of `channel`. Transforms the kernel's
 * partitions with preplanned FFTs: no allocation, O(n_taps log block) work. Returns 0 when
 * not ready or on bad arguments. The kernel plays once lq_fir_commit() is called. A channel
 * not staged before a commit keeps its current kernel. */
int lq_fir_set_kernel (LqFir *self, unsigned channel, const float *taps, size_t n_taps);

/* Makes the staged kernels current: the next output block is computed with both the old and
 * the new kernels and crossfades linearly from old to new. Returns 0 if nothing was staged.
 * With `fade` 0 the new kernels replace the old ones at once (for a stream's start). */
int lq_fir_commit (LqFir *self, int fade);

/* Filters `frames` interleaved frames in place. Output is delayed by lq_fir_get_latency(). */
void lq_fir_process (LqFir *self, float *interleaved, size_t frames);

/* Clears the input history and the output queue; kernels are kept. */
void lq_fir_reset (LqFir *self);

size_t lq_fir_get_latency (const LqFir *self);

/* FFTW's planner (plan creation and destruction) is not thread-safe, and elements are set up
 * on different streaming threads: every kernel that makes FFTW plans should do so between
 * these two calls (one process-wide lock). Executing plans needs no lock. */
void lq_fftw_planner_lock (void);
void lq_fftw_planner_unlock (void);

#ifdef __cplusplus
}
#endif
