/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqDither: word-length reduction with TPDF dither and optional noise shaping.
 *
 * Each sample becomes an integer code of `bits` bits: code = round(x * 2^(bits-1) + shaped
 * error feedback + d), d the sum of two independent uniform values of +/-0.5 LSB (triangular,
 * +/-1 LSB), clamped to [-2^(bits-1), 2^(bits-1) - 1] (never wrapped). The float output is
 * exactly code / 2^(bits-1); the integer outputs are the codes themselves, the values a WAV
 * writer stores. Flat TPDF leaves 0.5 LSB RMS of noise (1/12 rounding + 1/6 dither = 1/4
 * LSB^2), independent of the signal.
 *
 * Digital silence: after LQ_DITHER_MUTE_MS of input that is exactly zero in every channel the
 * output is exact zeros (no dither hiss in gaps, fade-outs end in true silence), and a stream
 * that starts silent is silent from its first sample. This can be turned off.
 *
 * The noise generator is seeded: the same seed, settings and input give bit-identical output,
 * however the stream is cut into calls. On x86 CPUs with SSE4.1 the stereo float path rounds
 * with one instruction instead of two (the same output); LQ_DITHER_NO_SSE41 set in the
 * environment forces the SSE2 path (for tests).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _LqDither LqDither;

/* Noise shaping: NTF(z) = 1 - sum h_k z^-k applied to the total (rounding + dither) error. */
typedef enum
{
  LQ_DITHER_SHAPE_NONE,        /* flat TPDF */
  LQ_DITHER_SHAPE_FIRST_ORDER, /* h = { 1 }: 1 - z^-1, a gentle tilt, null at DC */
  LQ_DITHER_SHAPE_LIPSHITZ,    /* Lipshitz's 5-tap E-weighted filter for 44.1 kHz */
  LQ_DITHER_N_SHAPES
} LqDitherShape;

#define LQ_DITHER_BITS_MIN 8
#define LQ_DITHER_BITS_MAX 24
#define LQ_DITHER_BITS_DEFAULT 16
#define LQ_DITHER_SEED_DEFAULT 0x4c61637175657221u
#define LQ_DITHER_MUTE_MS 10.0

/* A ditherer for `channels` (1..8) at `rate` Hz, 16 bits, no shaping; NULL on bad arguments or
 * when memory is short. */
LqDither *lq_dither_new (unsigned rate, unsigned channels);
void lq_dither_free (LqDither *self);

/* Target word length, LQ_DITHER_BITS_MIN..LQ_DITHER_BITS_MAX (16 for CD, 24 for masters). */
void lq_dither_set_bits (LqDither *self, unsigned bits);
unsigned lq_dither_get_bits (const LqDither *self);
void lq_dither_set_shape (LqDither *self, LqDitherShape shape);
/* Nonzero (the default): output exact zeros on digital silence, see above. */
void lq_dither_set_mute_silence (LqDither *self, int mute);
/* Seeds the noise generator and restarts it; lq_dither_reset() restarts from this seed too. */
void lq_dither_set_seed (LqDither *self, uint64_t seed);

/* In place: every output sample is exactly code / 2^(bits - 1). Non-finite input counts as
 * silence. */
void lq_dither_process (LqDither *self, float *interleaved, size_t frames);
/* The same codes as integers, for an exporter: requires bits <= 16. */
void lq_dither_process_s16 (LqDither *self, const float *in, int16_t *out, size_t frames);
/* The same codes as integers, right-justified (a 24-bit code is in [-2^23, 2^23 - 1]). */
void lq_dither_process_s32 (LqDither *self, const float *in, int32_t *out, size_t frames);

/* Clears the error feedback and restarts the generator from the seed. */
void lq_dither_reset (LqDither *self);

/* The noise transfer function's taps for `shape`: fills h (up to LQ_DITHER_MAX_TAPS) and
 * returns how many; for tests and documentation. */
#define LQ_DITHER_MAX_TAPS 5
unsigned lq_dither_shape_taps (LqDitherShape shape, double *h);

#ifdef __cplusplus
}
#endif
