/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-loudness"

#include "config.h"

#include <math.h>
#include <string.h>

#include <ebur128.h>
#include <gst/audio/audio.h>

#include "lq-dsp-util.h"
#include "lq-gst-loudness.h"
#include "lq-gst-util.h"

/* ------------------------------------------------------------------------------------------
 * LqLoudnessMeter
 * ------------------------------------------------------------------------------------------ */

#define STEPS_PER_SECOND 100                /* 10 ms steps */
#define MOMENTARY_STEPS 40                  /* 400 ms */
#define SHORT_TERM_STEPS 300                /* 3 s */
#define LRA_HOP_STEPS 10                    /* a short-term value for LRA every 100 ms */
#define LRA_ABSOLUTE_GATE (-70.0)           /* LUFS */
#define LRA_RELATIVE_GATE (-20.0)           /* LU */
#define HIST_MIN (-70.0)                    /* LUFS of the first histogram bin */
#define HIST_BINS_PER_LU 100                /* 0.01 LU bins */
#define HIST_SIZE (80 * HIST_BINS_PER_LU)   /* -70 .. +10 LUFS */

struct _LqLoudnessMeter
{
  guint channels;              /* interleaved channels */
  guint rate;                  /* Hz */
  LqTruePeakFilter filter;     /* true-peak interpolation filter */
  ebur128_state *ebur128;      /* K-weighting, gating blocks, integrated loudness */
  LqTruePeak *truepeak;        /* true and sample peak since the last interval reset */
  guint step_frames;           /* frames per 10 ms step */
  guint step_fill;             /* frames of the current step fed so far */
  double steps[SHORT_TERM_STEPS]; /* K-weighted energy of the last 300 steps (ring) */
  guint64 n_steps;             /* steps completed */
  double momentary;            /* energy of the last 400 ms */
  double short_term;           /* energy of the last 3 s */
  double max_momentary;        /* highest momentary energy */
  double max_short_term;       /* highest short-term energy */
  guint32 *lra_hist;           /* short-term values for LRA above the absolute gate, 0.01 LU bins */
  double lra_energy_sum;       /* their energy sum (for the relative gate) */
  guint64 lra_count;           /* their number */
  guint64 frames;              /* frames since the reset */
  float *scratch;              /* one step of sanitised input */
  double true_peak[LQ_LOUDNESS_MAX_CHANNELS];   /* since the reset, linear */
  double sample_peak[LQ_LOUDNESS_MAX_CHANNELS]; /* since the reset, linear */
  guint64 n_nonfinite;         /* non-finite samples before the current interval */
};

static double
energy_to_lufs (double energy)
{
  return energy > 0.0 ? 10.0 * log10 (energy) - 0.691 : -INFINITY;
}

static double
lufs_to_energy (double lufs)
{
  return isfinite (lufs) ? pow (10.0, (lufs + 0.691) / 10.0) : 0.0;
}

static gboolean
meter_init_ebur128 (LqLoudnessMeter *self)
{
  if (self->ebur128 != NULL)
    ebur128_destroy (&self->ebur128);
  self->ebur128 = ebur128_init (self->channels, self->rate, EBUR128_MODE_I);
  return self->ebur128 != NULL;
}

LqLoudnessMeter *
lq_loudness_meter_new (guint            channels,
                       guint            rate,
                       LqTruePeakFilter filter)
{
  g_autoptr(LqLoudnessMeter) self = NULL;

  if (channels < 1 || channels > LQ_LOUDNESS_MAX_CHANNELS || rate < 8000 || rate > 768000)
    return NULL;

  self = g_new0 (LqLoudnessMeter, 1);
  self->channels = channels;
  self->rate = rate;
  self->filter = filter;
  self->step_frames = rate / STEPS_PER_SECOND;
  self->truepeak = lq_truepeak_new_full (channels, rate, filter);
  self->lra_hist = g_new0 (guint32, HIST_SIZE);
  self->scratch = g_new (float, (gsize) self->step_frames * channels);
  if (self->truepeak == NULL || !meter_init_ebur128 (self))
    return NULL;
  lq_loudness_meter_reset (self);
  return g_steal_pointer (&self);
}

void
lq_loudness_meter_free (LqLoudnessMeter *self)
{
  if (self == NULL)
    return;
  if (self->ebur128 != NULL)
    ebur128_destroy (&self->ebur128);
  lq_truepeak_free (self->truepeak);
  g_free (self->lra_hist);
  g_free (self->scratch);
  g_free (self);
}

void
lq_loudness_meter_reset (LqLoudnessMeter *self)
{
  g_return_if_fail (self != NULL);

  if (self->frames > 0 || self->step_fill > 0)
    meter_init_ebur128 (self);
  lq_truepeak_reset (self->truepeak);
  self->step_fill = 0;
  memset (self->steps, 0, sizeof self->steps);
  self->n_steps = 0;
  self->momentary = self->short_term = 0.0;
  self->max_momentary = self->max_short_term = 0.0;
  memset (self->lra_hist, 0, HIST_SIZE * sizeof (guint32));
  self->lra_energy_sum = 0.0;
  self->lra_count = 0;
  self->frames = 0;
  memset (self->true_peak, 0, sizeof self->true_peak);
  memset (self->sample_peak, 0, sizeof self->sample_peak);
  self->n_nonfinite = 0;
}

/* A 10 ms step is complete: update the momentary and short-term windows. */
static void
finish_step (LqLoudnessMeter *self)
{
  double lufs = -INFINITY, m = 0.0, s = 0.0;
  guint64 n;
  guint last;

  ebur128_loudness_window (self->ebur128, 1000 / STEPS_PER_SECOND, &lufs);
  self->steps[self->n_steps % SHORT_TERM_STEPS] = lufs_to_energy (lufs);
  self->n_steps++;

  /* Steps before the start are silence (zeros in the ring). */
  n = self->n_steps;
  last = (guint) ((n - 1) % SHORT_TERM_STEPS);
  for (guint i = 0; i < SHORT_TERM_STEPS; i++)
    {
      double e = self->steps[(last + SHORT_TERM_STEPS - i) % SHORT_TERM_STEPS];

      if (i < MOMENTARY_STEPS)
        m += e;
      s += e;
    }
  self->momentary = m / MOMENTARY_STEPS;
  self->short_term = s / SHORT_TERM_STEPS;
  self->max_momentary = MAX (self->max_momentary, self->momentary);
  self->max_short_term = MAX (self->max_short_term, self->short_term);

  if (n >= SHORT_TERM_STEPS && n % LRA_HOP_STEPS == 0)
    {
      double st = energy_to_lufs (self->short_term);

      if (st >= LRA_ABSOLUTE_GATE)
        {
          gint64 bin = (gint64) floor ((st - HIST_MIN) * HIST_BINS_PER_LU);

          self->lra_hist[CLAMP (bin, 0, HIST_SIZE - 1)]++;
          self->lra_energy_sum += self->short_term;
          self->lra_count++;
        }
    }
}

/* Copies `count` samples with NaN and infinities replaced by 0. */
static void
copy_finite (float       *dst,
             const float *src,
             gsize        count)
{
  const guint32 *in = (const guint32 *) (const void *) src;
  guint32 *out = (guint32 *) (void *) dst;

  for (gsize i = 0; i < count; i++)
    {
      guint32 u = in[i];
      out[i] = (u & 0x7f800000u) != 0x7f800000u ? u : 0u;
    }
}

void
lq_loudness_meter_add (LqLoudnessMeter *self,
                       const float     *interleaved,
                       gsize            frames)
{
  guint64 bad_before;
  gboolean dirty;

  g_return_if_fail (self != NULL);
  g_return_if_fail (interleaved != NULL || frames == 0);

  /* The true-peak kernel screens every sample anyway: only when it met a non-finite one
   * does libebur128 get a sanitised copy. */
  bad_before = lq_truepeak_get_n_nonfinite (self->truepeak);
  lq_truepeak_process (self->truepeak, interleaved, frames);
  dirty = lq_truepeak_get_n_nonfinite (self->truepeak) != bad_before;
  self->frames += frames;

  while (frames > 0)
    {
      gsize n = MIN (frames, (gsize) (self->step_frames - self->step_fill));
      const float *src = interleaved;

      if (dirty)
        {
          copy_finite (self->scratch, interleaved, n * self->channels);
          src = self->scratch;
        }
      ebur128_add_frames_float (self->ebur128, src, n);
      self->step_fill += n;
      interleaved += n * self->channels;
      frames -= n;
      if (self->step_fill == self->step_frames)
        {
          finish_step (self);
          self->step_fill = 0;
        }
    }
}

/* Loudness range from a histogram of short-term values (EBU Tech 3342). */
static double
lra_from_histogram (const guint32 *hist,
                    double         energy_sum,
                    guint64        count)
{
  double threshold;
  guint64 above = 0, low_rank, high_rank, seen = 0;
  gint64 start, low = -1, high = -1;

  if (count == 0)
    return 0.0;
  threshold = energy_to_lufs (energy_sum / count) + LRA_RELATIVE_GATE;
  start = (gint64) ceil ((MAX (threshold, HIST_MIN) - HIST_MIN) * HIST_BINS_PER_LU);
  start = CLAMP (start, 0, HIST_SIZE - 1);
  for (gint64 i = start; i < HIST_SIZE; i++)
    above += hist[i];
  if (above == 0)
    return 0.0;
  /* Nearest-rank percentiles, as libebur128 takes them. */
  low_rank = (guint64) ((above - 1) * 0.10 + 0.5);
  high_rank = (guint64) ((above - 1) * 0.95 + 0.5);
  for (gint64 i = start; i < HIST_SIZE && high < 0; i++)
    {
      seen += hist[i];
      if (low < 0 && seen > low_rank)
        low = i;
      if (seen > high_rank)
        high = i;
    }
  return (double) (high - low) / HIST_BINS_PER_LU;
}

void
lq_loudness_meter_get (LqLoudnessMeter  *self,
                       LqLoudnessValues *values,
                       gboolean          reset_interval)
{
  double integrated = -INFINITY;

  g_return_if_fail (self != NULL);
  g_return_if_fail (values != NULL);

  memset (values, 0, sizeof *values);
  values->channels = self->channels;
  values->frames = self->frames;
  values->n_nonfinite = lq_truepeak_get_n_nonfinite (self->truepeak);
  values->momentary = energy_to_lufs (self->momentary);
  values->short_term = energy_to_lufs (self->short_term);
  if (ebur128_loudness_global (self->ebur128, &integrated) != EBUR128_SUCCESS)
    integrated = -INFINITY;
  values->integrated = integrated;
  values->lra = lra_from_histogram (self->lra_hist, self->lra_energy_sum, self->lra_count);
  values->max_momentary = energy_to_lufs (self->max_momentary);
  values->max_short_term = energy_to_lufs (self->max_short_term);
  for (guint c = 0; c < self->channels; c++)
    {
      values->interval_true_peak[c] = lq_truepeak_get_true_peak (self->truepeak, c);
      values->interval_sample_peak[c] = lq_truepeak_get_sample_peak (self->truepeak, c);
      values->true_peak[c] = MAX (self->true_peak[c], values->interval_true_peak[c]);
      values->sample_peak[c] = MAX (self->sample_peak[c], values->interval_sample_peak[c]);
    }
  if (reset_interval)
    {
      memcpy (self->true_peak, values->true_peak, sizeof self->true_peak);
      memcpy (self->sample_peak, values->sample_peak, sizeof self->sample_peak);
      lq_truepeak_reset_peaks (self->truepeak);
    }
}

guint
lq_loudness_meter_get_rate (LqLoudnessMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rate;
}

guint
lq_loudness_meter_get_channels (LqLoudnessMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->channels;
}

double
lq_loudness_meter_integrated_multiple (LqLoudnessMeter **meters,
                                       guint             n_meters)
{
  g_autofree ebur128_state **states = g_new0 (ebur128_state *, MAX (n_meters, 1));
  double out = -INFINITY;

  for (guint i = 0; i < n_meters; i++)
    states[i] = meters[i] ? meters[i]->ebur128 : NULL;
  if (ebur128_loudness_global_multiple (states, n_meters, &out) != EBUR128_SUCCESS)
    return -INFINITY;
  return out;
}

double
lq_loudness_meter_lra_multiple (LqLoudnessMeter **meters,
                                guint             n_meters)
{
  g_autofree guint32 *hist = g_new0 (guint32, HIST_SIZE);
  double sum = 0.0;
  guint64 count = 0;

  for (guint i = 0; i < n_meters; i++)
    {
      if (meters[i] == NULL)
        continue;
      for (guint b = 0; b < HIST_SIZE; b++)
        hist[b] += meters[i]->lra_hist[b];
      sum += meters[i]->lra_energy_sum;
      count += meters[i]->lra_count;
    }
  return lra_from_histogram (hist, sum, count);
}

/* ------------------------------------------------------------------------------------------
 * lqloudness
 * ------------------------------------------------------------------------------------------ */

/**
 * SECTION:lq-gst-loudness
 * @title: lqloudness
 *
 * A passthrough EBU R 128 / ITU-R BS.1770 loudness meter (LqLoudnessMeter above). The audio
 * leaves untouched; no latency.
 *
 * Every `interval` of stream time, and once more at EOS for the last partial interval, it
 * posts an element message named `lqloudness` with:
 *
 * - `timestamp`, `stream-time`, `running-time`, `duration`, `endtime` (GstClockTime): the
 *   interval the message closes, as in `level`'s messages;
 * - `momentary`, `short-term` (gdouble, LUFS): the last 400 ms and 3 s;
 * - `integrated` (gdouble, LUFS) and `loudness-range` (gdouble, LU) since the start or the
 *   last `reset`;
 * - `max-momentary`, `max-short-term` (gdouble, LUFS) since then;
 * - `true-peak`, `sample-peak` (GstValueArray of gdouble, dBTP / dBFS, one per channel): the
 *   highest peaks within this interval;
 * - `max-true-peak`, `max-sample-peak` (GstValueArray of gdouble): since the start or reset;
 * - `plr` (gdouble, LU): peak-to-loudness ratio, highest true peak minus integrated;
 * - `frames` (guint64): frames measured since the start or reset.
 * Silence reads -inf.
 *
 * The `reset` action signal starts the measurement again (thread-safe; takes effect at the
 * next buffer).
 *
 * |[
 * gst-launch-1.0 -m filesrc location=in.flac ! decodebin ! audioconvert ! \
 *   lqloudness ! fakesink
 * ]|
 */

#define DEFAULT_INTERVAL (GST_SECOND / 10)

struct _LqGstLoudness
{
  LqAudioAnalyzer parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  LqGstTruePeakFilter filter;  /* true-peak filter for the next stream */

  /* Streaming state (streaming thread only) */
  LqLoudnessMeter *meter;      /* NULL before caps */
};

G_DEFINE_FINAL_TYPE (LqGstLoudness, lq_gst_loudness, LQ_TYPE_AUDIO_ANALYZER)

GST_ELEMENT_REGISTER_DEFINE (lqloudness, "lqloudness", GST_RANK_NONE, LQ_TYPE_GST_LOUDNESS);

GST_DEBUG_CATEGORY_STATIC (lq_gst_loudness_debug);
#define GST_CAT_DEFAULT lq_gst_loudness_debug

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_POST_MESSAGES,
  PROP_TRUE_PEAK_FILTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* `interval` and `post-messages` are LqAudioAnalyzer's */
static const LqGstField fields[N_PROPS] = {
  [PROP_TRUE_PEAK_FILTER] = LQ_GST_FIELD (LqGstLoudness, filter),
};

enum {
  SIGNAL_RESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
lq_gst_true_peak_filter_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_TRUE_PEAK_FILTER_PRECISE, "32-tap Kaiser-windowed sinc, flat to 0.425 fs", "precise" },
    { LQ_GST_TRUE_PEAK_FILTER_BS1770, "The 48-tap example filter of ITU-R BS.1770 Annex 2", "bs1770" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstTruePeakFilter", values));
  return type;
}

static GValue *
db_array (GValue       *array,
          const double *linear,
          guint         channels)
{
  g_value_init (array, GST_TYPE_ARRAY);
  for (guint c = 0; c < channels; c++)
    {
      GValue v = G_VALUE_INIT;

      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, lq_gain_to_db (linear[c]));
      gst_value_array_append_and_take_value (array, &v);
    }
  return array;
}

static gboolean
lq_gst_loudness_setup (LqAudioAnalyzer *analyzer,
                       guint            rate,
                       guint            channels)
{
  LqGstLoudness *self = LQ_GST_LOUDNESS (analyzer);
  LqGstTruePeakFilter tp_filter;
  LqLoudnessMeter *meter;

  GST_OBJECT_LOCK (self);
  tp_filter = self->filter;
  GST_OBJECT_UNLOCK (self);

  meter = lq_loudness_meter_new (channels, rate, (LqTruePeakFilter) tp_filter);
  if (meter == NULL)
    {
      GST_ERROR_OBJECT (self, "cannot measure %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  g_clear_pointer (&self->meter, lq_loudness_meter_free);
  self->meter = meter;
  return TRUE;
}

static void
lq_gst_loudness_analyze (LqAudioAnalyzer *analyzer,
                         const float     *data,
                         gsize            frames)
{
  LqGstLoudness *self = LQ_GST_LOUDNESS (analyzer);

  if (data == NULL)
    {
      /* A gap is silence, whatever its memory holds. */
      static const float zeros[1024 * LQ_LOUDNESS_MAX_CHANNELS];

      while (frames > 0)
        {
          gsize n = MIN (frames, 1024);
          lq_loudness_meter_add (self->meter, zeros, n);
          frames -= n;
        }
    }
  else
    lq_loudness_meter_add (self->meter, data, frames);
}

/* Without a message, the interval peaks still start again at each interval. */
static gboolean
lq_gst_loudness_fill_message (LqAudioAnalyzer *analyzer,
                              GstStructure    *s)
{
  LqGstLoudness *self = LQ_GST_LOUDNESS (analyzer);
  GValue tp = G_VALUE_INIT, sp = G_VALUE_INIT, max_tp = G_VALUE_INIT, max_sp = G_VALUE_INIT;
  LqLoudnessValues v;
  double highest = 0.0;

  lq_loudness_meter_get (self->meter, &v, TRUE);
  if (s == NULL)
    return FALSE;
  for (guint c = 0; c < v.channels; c++)
    highest = MAX (highest, v.true_peak[c]);
  gst_structure_set (s,
                     "momentary", G_TYPE_DOUBLE, v.momentary,
                     "short-term", G_TYPE_DOUBLE, v.short_term,
                     "integrated", G_TYPE_DOUBLE, v.integrated,
                     "loudness-range", G_TYPE_DOUBLE, v.lra,
                     "max-momentary", G_TYPE_DOUBLE, v.max_momentary,
                     "max-short-term", G_TYPE_DOUBLE, v.max_short_term,
                     "plr", G_TYPE_DOUBLE, lq_gain_to_db (highest) - v.integrated,
                     "frames", G_TYPE_UINT64, v.frames,
                     NULL);
  gst_structure_take_value (s, "true-peak", db_array (&tp, v.interval_true_peak, v.channels));
  gst_structure_take_value (s, "sample-peak", db_array (&sp, v.interval_sample_peak, v.channels));
  gst_structure_take_value (s, "max-true-peak", db_array (&max_tp, v.true_peak, v.channels));
  gst_structure_take_value (s, "max-sample-peak", db_array (&max_sp, v.sample_peak, v.channels));
  return TRUE;
}

static void
lq_gst_loudness_reset (LqAudioAnalyzer *analyzer)
{
  lq_loudness_meter_reset (LQ_GST_LOUDNESS (analyzer)->meter);
}

static void
lq_gst_loudness_reset_cb (LqGstLoudness *self)
{
  lq_audio_analyzer_request_reset (LQ_AUDIO_ANALYZER (self));
}

static void
lq_gst_loudness_finalize (GObject *object)
{
  LqGstLoudness *self = LQ_GST_LOUDNESS (object);

  g_clear_pointer (&self->meter, lq_loudness_meter_free);

  G_OBJECT_CLASS (lq_gst_loudness_parent_class)->finalize (object);
}

static void
lq_gst_loudness_class_init (LqGstLoudnessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioAnalyzerClass *analyzer_class = LQ_AUDIO_ANALYZER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (lq_gst_loudness_debug, "lqloudness", 0, "Lacquer loudness meter");

  object_class->finalize = lq_gst_loudness_finalize;

  analyzer_class->message_name = "lqloudness";
  analyzer_class->post_at_eos = TRUE;
  analyzer_class->setup = lq_gst_loudness_setup;
  analyzer_class->analyze = lq_gst_loudness_analyze;
  analyzer_class->fill_message = lq_gst_loudness_fill_message;
  analyzer_class->reset = lq_gst_loudness_reset;
  analyzer_class->flush = NULL; /* the measurement goes on across seeks */

  lq_audio_analyzer_class_add_pad_templates (analyzer_class, 768000, LQ_LOUDNESS_MAX_CHANNELS);
  gst_element_class_set_static_metadata (element_class, "Lacquer loudness meter",
                                         "Filter/Analyzer/Audio",
                                         "Posts EBU R 128 loudness (momentary, short-term, integrated, range) and true peaks",
                                         "Lacquer developers");

  properties[PROP_INTERVAL] = lq_audio_analyzer_param_spec_interval (10 * GST_MSECOND, DEFAULT_INTERVAL);
  properties[PROP_POST_MESSAGES] = lq_audio_analyzer_param_spec_post_messages ("Post the messages on the bus");
  properties[PROP_TRUE_PEAK_FILTER] =
    g_param_spec_enum ("true-peak-filter", "True-peak filter",
                       "Interpolation filter of the true-peak meter (applies from the next caps)",
                       LQ_TYPE_GST_TRUE_PEAK_FILTER, LQ_GST_TRUE_PEAK_FILTER_PRECISE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  object_class->get_property = lq_audio_analyzer_get_property;
  object_class->set_property = lq_audio_analyzer_set_property;
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  /**
   * LqGstLoudness::reset:
   *
   * Starts the measurement again: integrated loudness, range, maxima and peaks.
   */
  signals[SIGNAL_RESET] =
    g_signal_new_class_handler ("reset", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (lq_gst_loudness_reset_cb),
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

  gst_type_mark_as_plugin_api (LQ_TYPE_GST_TRUE_PEAK_FILTER, 0);
}

static void
lq_gst_loudness_init (LqGstLoudness *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
}
