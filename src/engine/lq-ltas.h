/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * LqLtas: the long-term average spectrum of a track, for comparing its tonal balance with a
 * reference.
 *
 * Every frame of the track weighs the same: Hann-windowed FFTs with 50 % overlap (so every
 * sample counts equally), of about 5.9 Hz resolution (8192 points at 44.1/48 kHz, 16384 at
 * 88.2/96 kHz, 32768 at 176.4/192 kHz), their power averaged over the whole track and over
 * the channels, then shown on a log-frequency grid from 20 Hz to 20 kHz (or half the sample
 * rate) as 1/N-octave band levels (the scale of lq-spectrum.h: 0 dB = the power of a
 * full-scale sine; pink noise reads flat). A track shorter than one FFT has no spectrum (all
 * points at -200 dB).
 *
 * lq_ltas_compare() gives the level-matched difference of two such curves: a track that is
 * only louder than the reference compares flat.
 */

#define LQ_LTAS_DEFAULT_POINTS 256
#define LQ_LTAS_DEFAULT_SMOOTHING 3.0

typedef struct _LqLtas LqLtas;

LqLtas      *lq_ltas_new                 (guint          rate,
                                          guint          channels,
                                          guint          n_points,
                                          double         smoothing);
void         lq_ltas_add                 (LqLtas        *self,
                                          const float   *interleaved,
                                          gsize          frames);
void         lq_ltas_free                (LqLtas        *self);

LqLtas      *lq_ltas_new_for_file        (GFile         *file,
                                          guint          n_points,
                                          double         smoothing,
                                          GCancellable  *cancellable,
                                          GError       **error);
void         lq_ltas_new_for_file_async  (GFile         *file,
                                          guint          n_points,
                                          double         smoothing,
                                          GCancellable  *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer       user_data);
LqLtas      *lq_ltas_new_for_file_finish (GAsyncResult  *result,
                                          GError       **error);

guint        lq_ltas_get_n_points        (LqLtas        *self);
const float *lq_ltas_get_frequencies     (LqLtas        *self);
const float *lq_ltas_get_levels          (LqLtas        *self);
guint64      lq_ltas_get_n_frames        (LqLtas        *self);

gboolean     lq_ltas_compare             (LqLtas        *self,
                                          LqLtas        *reference,
                                          float         *difference,
                                          double        *offset_db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqLtas, lq_ltas_free)

G_END_DECLS
