/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-phase"

#include "config.h"

#include <math.h>

#include <gst/audio/audio.h>

#include "lq-correlation.h"
#include "lq-gst-phase.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-phase
 * @title: lqphase
 *
 * A passthrough stereo analyzer for the correlation meter and the goniometer (the kernel of
 * lq-correlation.h). The audio leaves untouched; no latency.
 *
 * Every `interval` of stream time it posts an element message named `lqphase` with:
 *
 * - `timestamp`, `stream-time`, `running-time`, `duration`, `endtime` (GstClockTime): the
 *   interval the message closes, as in `level`'s messages;
 * - `correlation` (gdouble): the phase correlation, -1..+1, averaged with `time-constant`
 *   (0 when a channel is silent);
 * - `mid`, `side` (gdouble): RMS levels of M = (L + R) / 2 and S = (L - R) / 2 in dB
 *   (a full-scale sine in phase on both channels gives mid -3.01 dB), same averaging,
 *   floored at -200 dB;
 * - `scope` (GBytes): up to `scope-points` (L, R) pairs of native-endian float32, oldest
 *   first, taken evenly (one frame in ceil (interval frames / scope-points)) from the
 *   interval, for the goniometer; `scope-points` (guint) tells how many there are.
 *
 * A mono stream is analysed as two identical channels.
 *
 * |[
 * gst-launch-1.0 -m filesrc location=in.flac ! decodebin ! audioconvert ! \
 *   lqphase interval=100000000 ! autoaudiosink
 * ]|
 */

#define DEFAULT_TIME_CONSTANT 300.0
#define DEFAULT_INTERVAL (GST_SECOND / 30)
#define DEFAULT_SCOPE_POINTS 512
#define FLOOR_DB (-200.0)

struct _LqGstPhase
{
  LqAudioAnalyzer parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  double time_constant;   /* ms */
  guint scope_points;     /* most scope pairs per message, 0 = no scope */

  /* Streaming state (streaming thread only) */
  LqCorrelation *kernel;        /* NULL before caps */
  double time_constant_applied; /* last value copied into the kernel */
  guint scope_max;              /* scope_points as last copied */
  float *scope;                 /* room for scope_max pairs */
};

G_DEFINE_FINAL_TYPE (LqGstPhase, lq_gst_phase, LQ_TYPE_AUDIO_ANALYZER)

GST_ELEMENT_REGISTER_DEFINE (lqphase, "lqphase", GST_RANK_NONE, LQ_TYPE_GST_PHASE);

GST_DEBUG_CATEGORY_STATIC (lq_gst_phase_debug);
#define GST_CAT_DEFAULT lq_gst_phase_debug

enum {
  PROP_0,
  PROP_TIME_CONSTANT,
  PROP_INTERVAL,
  PROP_SCOPE_POINTS,
  PROP_POST_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* `interval` and `post-messages` are LqAudioAnalyzer's */
static const LqGstField fields[N_PROPS] = {
  [PROP_TIME_CONSTANT] = LQ_GST_FIELD (LqGstPhase, time_constant),
  [PROP_SCOPE_POINTS] = LQ_GST_FIELD (LqGstPhase, scope_points),
};

/* Copies the properties into the kernel. The scope buffer is (re)allocated only when
 * `scope-points` grows, which a UI does not do while playing. */
static void
lq_gst_phase_sync (LqAudioAnalyzer *analyzer)
{
  LqGstPhase *self = LQ_GST_PHASE (analyzer);
  guint64 interval_frames = lq_audio_analyzer_get_interval_frames (analyzer);
  double time_constant;
  guint scope_points;

  GST_OBJECT_LOCK (self);
  time_constant = self->time_constant;
  scope_points = self->scope_points;
  GST_OBJECT_UNLOCK (self);

  if (time_constant != self->time_constant_applied)
    {
      lq_correlation_set_time_constant (self->kernel, time_constant);
      self->time_constant_applied = time_constant;
    }
  if (scope_points > self->scope_max || self->scope == NULL)
    {
      g_free (self->scope);
      self->scope = g_new (float, 2 * (gsize) MAX (scope_points, 1));
    }
  self->scope_max = scope_points;
  lq_correlation_set_scope_decimation (self->kernel,
                                       scope_points > 0
                                       ? (guint) MIN ((interval_frames + scope_points - 1) / scope_points, G_MAXUINT)
                                       : G_MAXUINT);
}

static gboolean
lq_gst_phase_setup (LqAudioAnalyzer *analyzer,
                    guint            rate,
                    guint            channels)
{
  LqGstPhase *self = LQ_GST_PHASE (analyzer);
  LqCorrelation *kernel = lq_correlation_new (rate, channels);

  if (kernel == NULL)
    {
      GST_ERROR_OBJECT (self, "cannot analyse %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  g_clear_pointer (&self->kernel, lq_correlation_free);
  self->kernel = kernel;
  self->time_constant_applied = -1.0;
  return TRUE;
}

static void
lq_gst_phase_analyze (LqAudioAnalyzer *analyzer,
                      const float     *data,
                      gsize            frames)
{
  lq_correlation_process (LQ_GST_PHASE (analyzer)->kernel, data, frames);
}

static gboolean
lq_gst_phase_fill_message (LqAudioAnalyzer *analyzer,
                           GstStructure    *s)
{
  LqGstPhase *self = LQ_GST_PHASE (analyzer);
  gsize n;
  g_autoptr(GBytes) scope = NULL;

  if (s == NULL)
    return FALSE;
  n = self->scope_max > 0 ? lq_correlation_take_scope (self->kernel, self->scope, self->scope_max) : 0;
  scope = g_bytes_new (self->scope, n * 2 * sizeof (float));
  gst_structure_set (s,
                     "correlation", G_TYPE_DOUBLE, lq_correlation_get_correlation (self->kernel),
                     "mid", G_TYPE_DOUBLE, MAX (lq_correlation_get_mid_db (self->kernel), FLOOR_DB),
                     "side", G_TYPE_DOUBLE, MAX (lq_correlation_get_side_db (self->kernel), FLOOR_DB),
                     "scope-points", G_TYPE_UINT, (guint) n,
                     "scope", G_TYPE_BYTES, scope,
                     NULL);
  return TRUE;
}

static void
lq_gst_phase_reset (LqAudioAnalyzer *analyzer)
{
  lq_correlation_reset (LQ_GST_PHASE (analyzer)->kernel);
}

static void
lq_gst_phase_finalize (GObject *object)
{
  LqGstPhase *self = LQ_GST_PHASE (object);

  g_clear_pointer (&self->kernel, lq_correlation_free);
  g_clear_pointer (&self->scope, g_free);

  G_OBJECT_CLASS (lq_gst_phase_parent_class)->finalize (object);
}

static void
lq_gst_phase_class_init (LqGstPhaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioAnalyzerClass *analyzer_class = LQ_AUDIO_ANALYZER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (lq_gst_phase_debug, "lqphase", 0, "Lacquer correlation and goniometer");

  object_class->finalize = lq_gst_phase_finalize;

  analyzer_class->message_name = "lqphase";
  analyzer_class->setup = lq_gst_phase_setup;
  analyzer_class->sync = lq_gst_phase_sync;
  analyzer_class->analyze = lq_gst_phase_analyze;
  analyzer_class->fill_message = lq_gst_phase_fill_message;
  analyzer_class->reset = lq_gst_phase_reset;

  lq_audio_analyzer_class_add_pad_templates (analyzer_class, 384000, 2);
  gst_element_class_set_static_metadata (element_class, "Lacquer phase meter",
                                         "Filter/Analyzer/Audio",
                                         "Posts phase correlation, mid/side levels and goniometer points",
                                         "Lacquer developers");

  properties[PROP_TIME_CONSTANT] =
    g_param_spec_double ("time-constant", "Time constant",
                         "Averaging time constant of the correlation and the levels in ms",
                         1.0, 60000.0, DEFAULT_TIME_CONSTANT, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_INTERVAL] = lq_audio_analyzer_param_spec_interval (GST_MSECOND, DEFAULT_INTERVAL);
  properties[PROP_SCOPE_POINTS] =
    g_param_spec_uint ("scope-points", "Scope points",
                       "Most goniometer (L, R) pairs per message (0: none)",
                       0, LQ_CORRELATION_SCOPE_POINTS, DEFAULT_SCOPE_POINTS, flags);
  properties[PROP_POST_MESSAGES] = lq_audio_analyzer_param_spec_post_messages ("Post the messages on the bus");
  object_class->get_property = lq_audio_analyzer_get_property;
  object_class->set_property = lq_audio_analyzer_set_property;
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);
}

static void
lq_gst_phase_init (LqGstPhase *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
}
