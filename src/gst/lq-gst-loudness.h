/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-analyzer.h"
#include "lq-truepeak.h"

G_BEGIN_DECLS

/*
 * LqLoudnessMeter: the BS.1770 / EBU R 128 measurement shared by the `lqloudness` element
 * and the offline analyzer (src/engine/lq-analyzer.c), so that both read the same numbers.
 *
 * - K-weighting and the gated integrated loudness come from libebur128 (EBUR128_MODE_I;
 *   album integrated loudness from ebur128_loudness_global_multiple over the tracks' states).
 * - Momentary (400 ms) and short-term (3 s) loudness are sums of 10 ms steps of K-weighted
 *   energy (libebur128's ebur128_loudness_window over each step), so their maxima are found
 *   to within 5 ms of the best window position (EBU Tech 3341 cases 10 and 13). Windows
 *   that reach back before the start count the missing time as silence, like libebur128.
 * - Loudness range (EBU Tech 3342) uses the short-term values every 100 ms (windows
 *   overlapping by 2.9 s, from the first complete 3 s window), absolute gate -70 LUFS,
 *   relative gate -20 LU, 10th to 95th percentile. (libebur128's own LRA steps by 1 s.)
 * - True and sample peak per channel from lq-truepeak.h.
 * - Non-finite input samples count as silence (and are counted): they never poison the
 *   filters.
 *
 * Plain data structure, not thread-safe. lq_loudness_meter_add() allocates only what
 * libebur128 does (one small list node per 100 ms gating block, for the exact integrated
 * loudness); the loudness range uses a 0.01 LU histogram.
 */
#define LQ_LOUDNESS_MAX_CHANNELS LQ_TRUEPEAK_MAX_CHANNELS

typedef struct _LqLoudnessMeter LqLoudnessMeter;

/**
 * LqLoudnessValues:
 * @channels: channels measured
 * @frames: frames measured since the last reset
 * @n_nonfinite: non-finite input samples (measured as silence) since the last reset
 * @momentary: LUFS over the last 400 ms (-inf for digital silence)
 * @short_term: LUFS over the last 3 s
 * @integrated: gated integrated loudness, LUFS (-inf until a block passes the gates)
 * @lra: loudness range, LU (0 until there are short-term values above the gates)
 * @max_momentary: highest momentary loudness since the last reset, LUFS
 * @max_short_term: highest short-term loudness since the last reset, LUFS
 * @true_peak: per channel, linear, since the last reset (never below @sample_peak)
 * @sample_peak: per channel, linear, since the last reset
 * @interval_true_peak: per channel, linear, since the last lq_loudness_meter_get() that
 *   asked for an interval reset
 * @interval_sample_peak: same for the sample peak
 */
typedef struct
{
  guint channels;
  guint64 frames;
  guint64 n_nonfinite;
  double momentary;
  double short_term;
  double integrated;
  double lra;
  double max_momentary;
  double max_short_term;
  double true_peak[LQ_LOUDNESS_MAX_CHANNELS];
  double sample_peak[LQ_LOUDNESS_MAX_CHANNELS];
  double interval_true_peak[LQ_LOUDNESS_MAX_CHANNELS];
  double interval_sample_peak[LQ_LOUDNESS_MAX_CHANNELS];
} LqLoudnessValues;

/* NULL when channels (1..LQ_LOUDNESS_MAX_CHANNELS) or rate (8 kHz..768 kHz) are out of
 * range. Channels follow libebur128's default layout (L, R, C, LFE (ignored) for 6, Ls, Rs);
 * a mono signal is one front channel (a 0 dBFS 997 Hz sine reads -3.01 LUFS). */
LqLoudnessMeter *lq_loudness_meter_new (guint            channels,
                                        guint            rate,
                                        LqTruePeakFilter filter);
void lq_loudness_meter_free (LqLoudnessMeter *self);
void lq_loudness_meter_reset (LqLoudnessMeter *self);
void lq_loudness_meter_add (LqLoudnessMeter *self,
                            const float     *interleaved,
                            gsize            frames);
/* Fills @values; with @reset_interval the interval peaks start again from zero. */
void lq_loudness_meter_get (LqLoudnessMeter  *self,
                            LqLoudnessValues *values,
                            gboolean          reset_interval);
guint lq_loudness_meter_get_rate (LqLoudnessMeter *self);
guint lq_loudness_meter_get_channels (LqLoudnessMeter *self);

/* Album measures over several meters (tracks), as if their audio were one programme:
 * integrated loudness (LUFS) and loudness range (LU). NULL entries are skipped. */
double lq_loudness_meter_integrated_multiple (LqLoudnessMeter **meters,
                                              guint             n_meters);
double lq_loudness_meter_lra_multiple (LqLoudnessMeter **meters,
                                       guint             n_meters);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqLoudnessMeter, lq_loudness_meter_free)

/**
 * LqGstTruePeakFilter:
 * @LQ_GST_TRUE_PEAK_FILTER_PRECISE: 32-tap Kaiser-windowed sinc (default)
 * @LQ_GST_TRUE_PEAK_FILTER_BS1770: the 48-tap example filter of BS.1770 Annex 2
 */
typedef enum
{
  LQ_GST_TRUE_PEAK_FILTER_PRECISE = LQ_TRUEPEAK_FILTER_PRECISE,
  LQ_GST_TRUE_PEAK_FILTER_BS1770 = LQ_TRUEPEAK_FILTER_BS1770,
} LqGstTruePeakFilter;

#define LQ_TYPE_GST_TRUE_PEAK_FILTER (lq_gst_true_peak_filter_get_type ())
GType lq_gst_true_peak_filter_get_type (void);

#define LQ_TYPE_GST_LOUDNESS (lq_gst_loudness_get_type ())

G_DECLARE_FINAL_TYPE (LqGstLoudness, lq_gst_loudness, LQ, GST_LOUDNESS, LqAudioAnalyzer)

GST_ELEMENT_REGISTER_DECLARE (lqloudness);

G_END_DECLS
