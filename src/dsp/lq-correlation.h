/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqCorrelation: phase correlation and mid/side levels of a stereo signal, for the
 * correlation meter and the goniometer.
 *
 * The kernel keeps exponential averages (time constant `ms`, one pole per sample) of L^2, R^2
 * and L R, and from them:
 *
 *   correlation = <LR> / sqrt (<L^2> <R^2>)        (-1 .. +1; 0 when either channel is silent)
 *   mid  level  = 10 log10 <M^2>, M = (L + R) / 2   (dB RMS: a full-scale sine reads -3.01 dB)
 *   side level  = 10 log10 <S^2>, S = (L - R) / 2
 *
 * (<M^2> and <S^2> follow from the same three averages: (<L^2> +- 2 <LR> + <R^2>) / 4.)
 * The same three sums without decay, over everything since the last reset, give the
 * integrated correlation and mid/side levels of a whole track.
 *
 * Identical channels read +1, inverted channels -1, unrelated signals about 0; a mono input
 * (1 channel) is treated as identical channels. "Silent" means a mean square below
 * LQ_CORRELATION_SILENCE (-120 dB).
 *
 * The goniometer scope: every `decimation`-th frame is kept, as an (L, R) pair, in a ring of
 * LQ_CORRELATION_SCOPE_POINTS pairs; lq_correlation_take_scope() returns the pairs collected
 * since its previous call (at most the ring's size, the newest ones).
 *
 * Non-finite input samples count as 0. No allocation, locking or logging after _new().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_CORRELATION_SCOPE_POINTS 8192
#define LQ_CORRELATION_SILENCE 1e-12

typedef struct LqCorrelation LqCorrelation;

/* `channels` 1 or 2, `rate` 8 kHz..384 kHz; time constant 300 ms, scope decimation 1.
 * Returns NULL on bad arguments or when out of memory. */
LqCorrelation *lq_correlation_new (double rate, unsigned channels);
void lq_correlation_free (LqCorrelation *self);

/* Time constant of the running averages in ms (1..60000). */
void lq_correlation_set_time_constant (LqCorrelation *self, double ms);
/* Keep one frame in `decimation` (>= 1) for the scope. */
void lq_correlation_set_scope_decimation (LqCorrelation *self, unsigned decimation);

/* Analyses `frames` frames; `interleaved` may be NULL for silence. */
void lq_correlation_process (LqCorrelation *self, const float *interleaved, size_t frames);
void lq_correlation_reset (LqCorrelation *self);

/* Running values (time constant) */
double lq_correlation_get_correlation (const LqCorrelation *self);
double lq_correlation_get_mid_db (const LqCorrelation *self);
double lq_correlation_get_side_db (const LqCorrelation *self);

/* Integrated values over everything since the last reset */
double lq_correlation_get_integrated_correlation (const LqCorrelation *self);
double lq_correlation_get_integrated_mid_db (const LqCorrelation *self);
double lq_correlation_get_integrated_side_db (const LqCorrelation *self);

/* Copies the scope pairs collected since the last call, oldest first, as L, R, L, R, ...
 * into `xy` (room for 2 x max_points floats): at most `max_points`, the newest ones.
 * Returns the number of pairs copied. */
size_t lq_correlation_take_scope (LqCorrelation *self, float *xy, size_t max_points);

#ifdef __cplusplus
}
#endif
