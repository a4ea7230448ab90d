/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-spectrum"

#include "config.h"

#include <math.h>

#include <gst/audio/audio.h>

#include "lq-gst-spectrum.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-spectrum
 * @title: lqspectrum
 *
 * A passthrough spectrum analyzer for display (the FFT kernel of lq-spectrum.h on FFTW).
 * The audio leaves untouched (the element never writes to a buffer and adds no latency).
 *
 * At most every `interval` of stream time, when at least one new FFT frame was analysed, it
 * posts an element message named `lqspectrum` with:
 *
 * - `timestamp`, `stream-time`, `running-time`, `duration`, `endtime` (GstClockTime): the
 *   interval the message closes, as in `level`'s messages (the spectrum covers the FFT
 *   length ending at `endtime`);
 * - `rate`, `fft-size`, `n-points` (guint);
 * - `frequencies` (GBytes): `n-points` native-endian float32, the grid in Hz, ascending
 *   (the same GBytes in every message until the grid changes);
 * - `magnitude` (GBytes): `n-points` float32 levels in dB, 0 dB = a full-scale sine;
 * - `peak` (GBytes): `n-points` float32 held peak levels in dB.
 *
 * A widget reads them with g_bytes_get_data() without any copy or conversion. Without
 * `smoothing` a point reads the strongest bin of its grid cell; with `smoothing` = N it reads
 * the power of the 1/N-octave band around it (pink noise reads flat): see lq-spectrum.h.
 *
 * `fft-size`, `window`, `overlap`, `smoothing`, `averaging`, `peak-hold` and `peak-decay` may
 * change while playing (no allocation or FFT planning happens in the streaming thread);
 * `n-points`, `min-frequency` and `max-frequency` apply at the next format negotiation.
 *
 * |[
 * gst-launch-1.0 -m filesrc location=in.flac ! decodebin ! audioconvert ! \
 *   lqspectrum fft-size=16384 smoothing=3 averaging=500 ! autoaudiosink
 * ]|
 */

#define DEFAULT_FFT_SIZE 8192
#define DEFAULT_WINDOW LQ_GST_SPECTRUM_WINDOW_BLACKMAN_HARRIS
#define DEFAULT_OVERLAP 0.75
#define DEFAULT_SMOOTHING 0.0
#define DEFAULT_AVERAGING 300.0
#define DEFAULT_PEAK_HOLD 1000.0
#define DEFAULT_PEAK_DECAY 20.0
#define DEFAULT_INTERVAL (GST_SECOND / 30)
#define DEFAULT_N_POINTS 512
#define DEFAULT_MIN_FREQUENCY 20.0
#define DEFAULT_MAX_FREQUENCY 20000.0

struct _LqGstSpectrum
{
  LqAudioAnalyzer parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  guint fft_size;             /* power of two, 1024..32768 */
  LqGstSpectrumWindow window; /* analysis window */
  double overlap;             /* fraction of a frame shared with the previous one */
  double smoothing;           /* N of 1/N-octave bands, 0 = off */
  double averaging;           /* time constant in ms, 0 = off */
  double peak_hold;           /* ms a peak holds before falling */
  double peak_decay;          /* dB/s a peak falls after the hold, 0 = never */
  guint n_points;             /* grid points (at the next caps) */
  double min_frequency;       /* Hz, lowest grid point (at the next caps) */
  double max_frequency;       /* Hz, highest grid point (at the next caps; <= rate / 2) */
  gboolean reset_peaks;       /* lq_gst_spectrum_reset_peaks() asked for it */

  /* Streaming state (streaming thread only) */
  LqSpectrum *kernel;        /* NULL before caps */
  GBytes *frequencies;       /* the grid, shared by the messages */
  guint fft_applied;         /* settings last copied into the kernel ... */
  LqGstSpectrumWindow window_applied;
  double overlap_applied;
  double smoothing_applied;
  double averaging_applied;
  double hold_applied;
  double decay_applied;
  guint64 frames_posted;     /* kernel FFT frame count at the last message */
};

G_DEFINE_FINAL_TYPE (LqGstSpectrum, lq_gst_spectrum, LQ_TYPE_AUDIO_ANALYZER)

GST_ELEMENT_REGISTER_DEFINE (lqspectrum, "lqspectrum", GST_RANK_NONE, LQ_TYPE_GST_SPECTRUM);

GST_DEBUG_CATEGORY_STATIC (lq_gst_spectrum_debug);
#define GST_CAT_DEFAULT lq_gst_spectrum_debug

enum {
  PROP_0,
  PROP_FFT_SIZE,
  PROP_WINDOW,
  PROP_OVERLAP,
  PROP_SMOOTHING,
  PROP_AVERAGING,
  PROP_PEAK_HOLD,
  PROP_PEAK_DECAY,
  PROP_INTERVAL,
  PROP_N_POINTS,
  PROP_MIN_FREQUENCY,
  PROP_MAX_FREQUENCY,
  PROP_POST_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* `interval` and `post-messages` are LqAudioAnalyzer's */
#define FIELD(member) LQ_GST_FIELD (LqGstSpectrum, member)
static const LqGstField fields[N_PROPS] = {
  [PROP_FFT_SIZE] = FIELD (fft_size),
  [PROP_WINDOW] = FIELD (window),
  [PROP_OVERLAP] = FIELD (overlap),
  [PROP_SMOOTHING] = FIELD (smoothing),
  [PROP_AVERAGING] = FIELD (averaging),
  [PROP_PEAK_HOLD] = FIELD (peak_hold),
  [PROP_PEAK_DECAY] = FIELD (peak_decay),
  [PROP_N_POINTS] = FIELD (n_points),
  [PROP_MIN_FREQUENCY] = FIELD (min_frequency),
  [PROP_MAX_FREQUENCY] = FIELD (max_frequency),
};
#undef FIELD

GType
lq_gst_spectrum_window_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_SPECTRUM_WINDOW_HANN, "Hann", "hann" },
    { LQ_GST_SPECTRUM_WINDOW_BLACKMAN_HARRIS, "Blackman-Harris (4-term, -92 dB)", "blackman-harris" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstSpectrumWindow", values));
  return type;
}

/* Rounds down to a power of two within the kernel's range. */
static guint
valid_fft_size (guint size)
{
  guint n = LQ_SPECTRUM_MIN_FFT_SIZE;

  while (n * 2 <= size && n < LQ_SPECTRUM_MAX_FFT_SIZE)
    n *= 2;
  return n;
}

/* Copies the properties into the kernel, calling only the setters whose value changed. */
static void
lq_gst_spectrum_sync (LqAudioAnalyzer *analyzer)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (analyzer);
  guint fft;
  LqGstSpectrumWindow window;
  double overlap, smoothing, averaging, hold, decay;
  gboolean reset_peaks;

  GST_OBJECT_LOCK (self);
  fft = self->fft_size;
  window = self->window;
  overlap = self->overlap;
  smoothing = self->smoothing;
  averaging = self->averaging;
  hold = self->peak_hold;
  decay = self->peak_decay;
  reset_peaks = self->reset_peaks;
  self->reset_peaks = FALSE;
  GST_OBJECT_UNLOCK (self);

  if (fft != self->fft_applied)
    lq_spectrum_set_fft_size (self->kernel, fft);
  if (window != self->window_applied)
    lq_spectrum_set_window (self->kernel, (LqSpectrumWindow) window);
  if (overlap != self->overlap_applied)
    lq_spectrum_set_overlap (self->kernel, overlap);
  if (smoothing != self->smoothing_applied)
    lq_spectrum_set_smoothing (self->kernel, smoothing);
  if (averaging != self->averaging_applied)
    lq_spectrum_set_averaging (self->kernel, averaging);
  if (hold != self->hold_applied || decay != self->decay_applied)
    lq_spectrum_set_peak_hold (self->kernel, hold, decay);
  self->fft_applied = fft;
  self->window_applied = window;
  self->overlap_applied = overlap;
  self->smoothing_applied = smoothing;
  self->averaging_applied = averaging;
  self->hold_applied = hold;
  self->decay_applied = decay;
  if (reset_peaks)
    lq_spectrum_reset_peaks (self->kernel);
}

static gboolean
lq_gst_spectrum_setup (LqAudioAnalyzer *analyzer,
                       guint            rate,
                       guint            channels)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (analyzer);
  guint n_points;
  double f_min, f_max;
  LqSpectrum *kernel;

  GST_OBJECT_LOCK (self);
  n_points = self->n_points;
  f_min = self->min_frequency;
  f_max = self->max_frequency;
  GST_OBJECT_UNLOCK (self);

  f_max = MIN (f_max, rate / 2.0);
  f_min = MIN (f_min, f_max / 2.0);
  kernel = lq_spectrum_new (rate, channels, n_points, f_min, f_max);
  if (kernel == NULL)
    {
      GST_ERROR_OBJECT (self, "cannot analyse %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  g_clear_pointer (&self->kernel, lq_spectrum_free);
  g_clear_pointer (&self->frequencies, g_bytes_unref);
  self->kernel = kernel;
  self->frequencies = g_bytes_new (lq_spectrum_get_frequencies (kernel), n_points * sizeof (float));
  /* The kernel starts from its own defaults: the first sync applies every property. */
  self->fft_applied = lq_spectrum_get_fft_size (kernel);
  self->window_applied = (LqGstSpectrumWindow) LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS;
  self->overlap_applied = 0.75;
  self->smoothing_applied = 0.0;
  self->averaging_applied = 0.0;
  self->hold_applied = -1.0;
  self->decay_applied = -1.0;
  return TRUE;
}

static void
lq_gst_spectrum_analyze (LqAudioAnalyzer *analyzer,
                         const float     *data,
                         gsize            frames)
{
  lq_spectrum_process (LQ_GST_SPECTRUM (analyzer)->kernel, data, frames);
}

/* Posts only when an FFT frame was analysed since the last message. */
static gboolean
lq_gst_spectrum_fill_message (LqAudioAnalyzer *analyzer,
                              GstStructure    *s)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (analyzer);
  guint64 n_frames = lq_spectrum_get_n_frames (self->kernel);
  gboolean fresh = n_frames != self->frames_posted;
  guint n = lq_spectrum_get_n_points (self->kernel);
  g_autoptr(GBytes) magnitude = NULL;
  g_autoptr(GBytes) peak = NULL;

  self->frames_posted = n_frames;
  if (s == NULL || !fresh)
    return FALSE;
  magnitude = g_bytes_new (lq_spectrum_get_levels (self->kernel), n * sizeof (float));
  peak = g_bytes_new (lq_spectrum_get_peaks (self->kernel), n * sizeof (float));
  gst_structure_set (s,
                     "rate", G_TYPE_UINT, lq_audio_analyzer_get_rate (analyzer),
                     "fft-size", G_TYPE_UINT, lq_spectrum_get_fft_size (self->kernel),
                     "n-points", G_TYPE_UINT, n,
                     "frequencies", G_TYPE_BYTES, self->frequencies,
                     "magnitude", G_TYPE_BYTES, magnitude,
                     "peak", G_TYPE_BYTES, peak,
                     NULL);
  return TRUE;
}

static void
lq_gst_spectrum_reset (LqAudioAnalyzer *analyzer)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (analyzer);

  lq_spectrum_reset (self->kernel);
  self->frames_posted = 0;
}

static void
lq_gst_spectrum_finalize (GObject *object)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (object);

  g_clear_pointer (&self->kernel, lq_spectrum_free);
  g_clear_pointer (&self->frequencies, g_bytes_unref);

  G_OBJECT_CLASS (lq_gst_spectrum_parent_class)->finalize (object);
}

/* The FFT size is rounded down to a power of two; the rest are the fields' (lq-gst-util,
 * through LqAudioAnalyzer). */
static void
lq_gst_spectrum_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LqGstSpectrum *self = LQ_GST_SPECTRUM (object);

  if (prop_id != PROP_FFT_SIZE)
    {
      lq_audio_analyzer_set_property (object, prop_id, value, pspec);
      return;
    }
  GST_OBJECT_LOCK (self);
  self->fft_size = valid_fft_size (g_value_get_uint (value));
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_spectrum_class_init (LqGstSpectrumClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioAnalyzerClass *analyzer_class = LQ_AUDIO_ANALYZER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  const GParamFlags ready = G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (lq_gst_spectrum_debug, "lqspectrum", 0, "Lacquer spectrum analyzer");

  object_class->finalize = lq_gst_spectrum_finalize;

  analyzer_class->message_name = "lqspectrum";
  analyzer_class->setup = lq_gst_spectrum_setup;
  analyzer_class->sync = lq_gst_spectrum_sync;
  analyzer_class->analyze = lq_gst_spectrum_analyze;
  analyzer_class->fill_message = lq_gst_spectrum_fill_message;
  analyzer_class->reset = lq_gst_spectrum_reset;

  lq_audio_analyzer_class_add_pad_templates (analyzer_class, 384000, 2);
  gst_element_class_set_static_metadata (element_class, "Lacquer spectrum analyzer",
                                         "Filter/Analyzer/Audio",
                                         "Posts the spectrum on a log-frequency grid, with "
                                         "fractional-octave smoothing, averaging and peak hold",
                                         "Lacquer developers");

  properties[PROP_FFT_SIZE] =
    g_param_spec_uint ("fft-size", "FFT size",
                       "FFT length in samples, a power of two (other values round down)",
                       LQ_SPECTRUM_MIN_FFT_SIZE, LQ_SPECTRUM_MAX_FFT_SIZE, DEFAULT_FFT_SIZE, flags);
  properties[PROP_WINDOW] =
    g_param_spec_enum ("window", "Window", "Analysis window",
                       LQ_TYPE_GST_SPECTRUM_WINDOW, DEFAULT_WINDOW, flags);
  properties[PROP_OVERLAP] =
    g_param_spec_double ("overlap", "Overlap", "Fraction of each FFT frame shared with the previous one",
                         0.0, LQ_SPECTRUM_MAX_OVERLAP, DEFAULT_OVERLAP, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", "Smoothing",
                         "Show band levels of 1/N octave (3: third-octave bands); 0: no smoothing",
                         0.0, 96.0, DEFAULT_SMOOTHING, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_AVERAGING] =
    g_param_spec_double ("averaging", "Averaging",
                         "Time constant of the power average in ms (0: none)",
                         0.0, 60000.0, DEFAULT_AVERAGING, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_PEAK_HOLD] =
    g_param_spec_double ("peak-hold", "Peak hold", "Time a peak holds before it falls, in ms",
                         0.0, 600000.0, DEFAULT_PEAK_HOLD, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_PEAK_DECAY] =
    g_param_spec_double ("peak-decay", "Peak decay",
                         "Fall rate of held peaks in dB/s (0: peaks never fall)",
                         0.0, 1000.0, DEFAULT_PEAK_DECAY, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_INTERVAL] = lq_audio_analyzer_param_spec_interval (GST_MSECOND, DEFAULT_INTERVAL);
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", "Points", "Points of the log-frequency grid",
                       2, 8192, DEFAULT_N_POINTS, ready);
  properties[PROP_MIN_FREQUENCY] =
    g_param_spec_double ("min-frequency", "Minimum frequency", "Lowest grid frequency in Hz",
                         1.0, 192000.0, DEFAULT_MIN_FREQUENCY, ready);
  properties[PROP_MAX_FREQUENCY] =
    g_param_spec_double ("max-frequency", "Maximum frequency",
                         "Highest grid frequency in Hz (at most half the sample rate)",
                         2.0, 192000.0, DEFAULT_MAX_FREQUENCY, ready);
  properties[PROP_POST_MESSAGES] =
    lq_audio_analyzer_param_spec_post_messages ("Post the spectrum messages on the bus");
  object_class->get_property = lq_audio_analyzer_get_property;
  object_class->set_property = lq_gst_spectrum_set_property;
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  gst_type_mark_as_plugin_api (LQ_TYPE_GST_SPECTRUM_WINDOW, 0);
}

static void
lq_gst_spectrum_init (LqGstSpectrum *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
}

/**
 * lq_gst_spectrum_reset_peaks:
 * @self: an #LqGstSpectrum
 *
 * Drops the held peaks to the current levels (from the next buffer on). Thread-safe.
 */
void
lq_gst_spectrum_reset_peaks (LqGstSpectrum *self)
{
  g_return_if_fail (LQ_IS_GST_SPECTRUM (self));

  GST_OBJECT_LOCK (self);
  self->reset_peaks = TRUE;
  GST_OBJECT_UNLOCK (self);
}
