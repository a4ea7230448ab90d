/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqLimiter: a true-peak brickwall limiter with lookahead.
 *
 * The input is multiplied by the drive gain, delayed by the latency and multiplied by a smooth
 * gain envelope computed from an oversampled peak detector (4x, 32-tap interpolator, a parabola
 * bound between the points, extra headroom for treble), so that the reconstructed
 * (inter-sample) peak of the output stays at or below the ceiling in dBTP. The
 * envelope ramps down over the lookahead, holds flat around each peak, then recovers with a
 * program-dependent release: short peaks recover about five times faster than sustained gain
 * reduction. A last safety stage clamps any sample above the ceiling. While the signal stays
 * below the ceiling the gain is exactly 1, so the output is the input delayed, bit for bit.
 *
 * Float32 interleaved, 1 or 2 channels, 8 kHz to 384 kHz (made for 44.1 to 192 kHz).
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _LqLimiter LqLimiter;

#define LQ_LIMITER_CEILING_MIN    -24.0 /* dBTP */
#define LQ_LIMITER_CEILING_MAX      0.0
#define LQ_LIMITER_CEILING_DEFAULT -1.0
#define LQ_LIMITER_DRIVE_MIN      -12.0 /* dB */
#define LQ_LIMITER_DRIVE_MAX       24.0
#define LQ_LIMITER_DRIVE_DEFAULT    0.0
#define LQ_LIMITER_LOOKAHEAD_MIN    0.5 /* ms */
#define LQ_LIMITER_LOOKAHEAD_MAX   10.0
#define LQ_LIMITER_LOOKAHEAD_DEFAULT 1.5
#define LQ_LIMITER_RELEASE_MIN      5.0 /* ms */
#define LQ_LIMITER_RELEASE_MAX   2000.0
#define LQ_LIMITER_RELEASE_DEFAULT 100.0

/* In true-peak mode the detector aims this far below the ceiling (dB), for the small errors of
 * a finite interpolator and of meters' interpolators (libebur128 reads low-frequency peaks up
 * to 0.01 dB high). Treble-made peaks get more headroom on top (see lq-limiter.c). */
#define LQ_LIMITER_TRUE_PEAK_MARGIN_DB 0.05

/* Creates a limiter for `channels` (1 or 2) at `rate` Hz with default settings; NULL when the
 * arguments are out of range or memory is short. On x86 CPUs with AVX2 and FMA the detector
 * runs eight frames per instruction (results differ from the SSE2 path only in the last bits of
 * the estimate); LQ_LIMITER_NO_AVX2 set in the environment forces the SSE2 path (for tests). */
LqLimiter *lq_limiter_new (unsigned rate, unsigned channels);
void lq_limiter_free (LqLimiter *self);

/* Output ceiling in dBTP (true-peak mode) or dBFS (sample-peak mode); changes are smoothed. */
void lq_limiter_set_ceiling (LqLimiter *self, double ceiling_db);
/* Input gain before limiting in dB; changes are smoothed. */
void lq_limiter_set_drive (LqLimiter *self, double drive_db);
/* Attack ramp length in ms (the lookahead). Changes the latency, so it resets the limiter:
 * call it before processing or between programs, not while audio plays. */
void lq_limiter_set_lookahead (LqLimiter *self, double lookahead_ms);
/* Release time constant of sustained gain reduction in ms; short peaks release five times
 * faster (program-dependent recovery). */
void lq_limiter_set_release (LqLimiter *self, double release_ms);
/* Nonzero: detect inter-sample peaks (oversampled); zero: sample peaks only. The latency is
 * the same in both modes, so this may change while playing. */
void lq_limiter_set_true_peak (LqLimiter *self, int true_peak);

/* Limits `frames` interleaved frames in place. The output lags the input by
 * lq_limiter_get_latency() frames; feed that many frames of silence at the end to drain it.
 * Non-finite input samples are treated as silence. */
void lq_limiter_process (LqLimiter *self, float *interleaved, size_t frames);

/* Clears all history (delay line, envelope) as at creation; parameters are kept and jump to
 * their targets. */
void lq_limiter_reset (LqLimiter *self);

/* The delay between input and output in frames; fixed for a given rate and lookahead. */
size_t lq_limiter_get_latency (const LqLimiter *self);
/* The latency a limiter at `rate` would have with `lookahead_ms` (clamped to the range). */
size_t lq_limiter_compute_latency (unsigned rate, double lookahead_ms);

/* Largest gain reduction applied during the last lq_limiter_process() call, in dB (>= 0). */
double lq_limiter_get_gain_reduction (const LqLimiter *self);

#ifdef __cplusplus
}
#endif
