/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-strip"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>

#include "lq-compressor.h"
#include "lq-dsp-util.h"
#include "lq-eq.h"
#include "lq-gst-compressor.h"
#include "lq-gst-eq-band.h"
#include "lq-gst-strip.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-strip
 * @title: lqstrip
 *
 * The mixing channel strip for stems: EQ, compressor, gain, pan, polarity and mute in one
 * element, so a stem needs one element, not six. Mono or stereo in, **always stereo out**:
 * the album engine mixes the strips' outputs on a stereo bus.
 *
 * Signal flow: input -> EQ (LqEq, minimum phase) -> compressor (LqCompressor) -> gain ->
 * polarity -> pan -> mute -> output. Gain, polarity, pan and mute are one pair of per-channel
 * gains, smoothed over 20 ms (99.9 %), so none of them clicks: a polarity flip glides through
 * zero, mute fades out and in.
 *
 * Pan, -1 (left) .. 1 (right):
 * - mono input: constant power, L = cos (t), R = sin (t), t = (pan + 1) pi / 4, so that
 *   L^2 + R^2 = 1 everywhere and the centre is -3.01 dB in each channel;
 * - stereo input: a balance, the far channel is attenuated by cos (|pan| pi / 2) and the near
 *   one stays at unity, so the centre is unity (a stereo stem passes unchanged).
 *
 * Properties carry the names of lqeq and lqcompressor with an `eq-` or `comp-` prefix, flat on
 * the element (band N's settings are `eq-band<N>-type`, `-freq`, `-gain`, `-q`, `-slope`,
 * `-channels`, `-bypass`), so one gst-launch line or one g_object_set() sets a whole strip and
 * every one of them can take a GstController. The enums are lqeq's and lqcompressor's own
 * (#LqGstEqBandType, #LqGstEqChannels, #LqGstCompressorDetector), so the nicks are the same:
 * |[
 * gst-launch-1.0 filesrc location=vocal.wav ! wavparse ! audioconvert ! \
 *   lqstrip gain=-2 pan=-0.3 eq-band0-type=high-pass eq-band0-freq=90 \
 *   eq-band2-gain=2.5 eq-band2-freq=3000 comp-ratio=3 comp-threshold=-20 ! \
 *   audioconvert ! wavenc ! filesink location=vocal-strip.wav
 * ]|
 *
 * The strip has **zero latency** at every setting, so stems stay sample-aligned on the bus
 * whatever each strip does: its EQ is minimum phase (no `eq-linear-phase`) and its compressor
 * has no lookahead (no `comp-lookahead`); those belong on the master chain (lqeq,
 * lqcompressor). `eq-bypass`, `comp-bypass` and `bypass` (the whole strip; a mono input is
 * copied to both channels at unity) crossfade over 10 ms. With the EQ bands at 0 dB and the
 * compressor at ratio 1 with no makeup (the defaults) the sections are not run at all, so a
 * stereo strip at its defaults is bit-transparent; a section that becomes active fades in.
 *
 * Non-finite input samples are treated as silence, and state that turns non-finite is reset.
 */

#define GAIN_MIN_DB (-120.0)
#define GAIN_MAX_DB 24.0
#define SMOOTH_MS 20.0   /* gain/pan/mute/polarity glide, ms to 99.9 % */
#define FADE_MS 10.0     /* section and bypass crossfades */
#define CHUNK 256        /* frames processed at a time (scratch buffers) */

#define ALLOWED_RATES "rate = (int) [ 44100, 192000 ], "
#define SINK_CAPS \
  "audio/x-raw, format = (string) " GST_AUDIO_NE (F32) ", " ALLOWED_RATES \
  "channels = (int) [ 1, 2 ], layout = (string) interleaved"
#define SRC_CAPS \
  "audio/x-raw, format = (string) " GST_AUDIO_NE (F32) ", " ALLOWED_RATES \
  "channels = (int) 2, channel-mask = (bitmask) 0x3, layout = (string) interleaved"

/* Everything the properties set, copied as a whole at the start of each buffer. */
typedef struct
{
  double gain_db;                      /* fader, dB; GAIN_MIN_DB is silence */
  double pan;                          /* -1 .. 1 */
  gboolean invert;                     /* polarity */
  gboolean mute;                       /* silence, faded */
  gboolean bypass;                     /* whole strip */
  gboolean eq_bypass;                  /* EQ section off */
  guint eq_num_bands;                  /* 1 .. LQ_GST_STRIP_EQ_BANDS */
  LqEqBand eq[LQ_GST_STRIP_EQ_BANDS];  /* bands */
  gboolean comp_bypass;                /* compressor section off */
  double comp_threshold;               /* dB */
  double comp_ratio;                   /* 1 = no compression */
  double comp_knee;                    /* dB */
  double comp_attack;                  /* ms */
  double comp_release;                 /* ms */
  gboolean comp_auto_release;          /* program-dependent release */
  double comp_makeup;                  /* dB */
  double comp_sidechain_hpf;           /* Hz, 0 = off */
  double comp_link;                    /* 0 .. 1 */
  LqCompressorDetector comp_detector;  /* peak or rms */
  double comp_mix;                     /* 0 .. 1 */
} StripParams;

struct _LqGstStrip
{
  GstAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  StripParams props;

  /* Streaming state (streaming thread only) */
  guint rate;              /* Hz, 0 before caps */
  guint in_channels;       /* 1 or 2; the output has 2 */
  LqEq *eq;                /* EQ kernel, in_channels wide */
  LqCompressor *comp;      /* compressor kernel, in_channels wide */
  StripParams applied;     /* the settings last given to the kernels */
  gboolean force_apply;    /* give every setting to the kernels at the next buffer */
  double eq_mix;           /* EQ section: 0 off .. 1 on (crossfade position) */
  double comp_mix;         /* compressor section: 0 off .. 1 on */
  double bypass_mix;       /* whole strip: 0 processed .. 1 dry */
  double fade_step;        /* crossfade advance per frame */
  LqSmoother gain_l;       /* output gain of the left channel (gain, polarity, pan, mute) */
  LqSmoother gain_r;       /* same for the right channel */
  float work[CHUNK * 2];   /* the signal through the sections, in_channels wide */
  float tmp[CHUNK * 2];    /* a section's input, for its crossfade */
  float dry[CHUNK * 2];    /* the (sanitized) input, in_channels wide */
};

G_DEFINE_FINAL_TYPE (LqGstStrip, lq_gst_strip, GST_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqstrip, "lqstrip", GST_RANK_NONE, LQ_TYPE_GST_STRIP);

GST_DEBUG_CATEGORY_STATIC (lq_gst_strip_debug);
#define GST_CAT_DEFAULT lq_gst_strip_debug

enum {
  BAND_TYPE,
  BAND_FREQ,
  BAND_GAIN,
  BAND_Q,
  BAND_SLOPE,
  BAND_CHANNELS,
  BAND_BYPASS,
  N_BAND_FIELDS
};

enum {
  PROP_0,
  PROP_GAIN,
  PROP_PAN,
  PROP_INVERT,
  PROP_MUTE,
  PROP_BYPASS,
  PROP_EQ_BYPASS,
  PROP_EQ_NUM_BANDS,
  PROP_COMP_BYPASS,
  PROP_COMP_THRESHOLD,
  PROP_COMP_RATIO,
  PROP_COMP_KNEE,
  PROP_COMP_ATTACK,
  PROP_COMP_RELEASE,
  PROP_COMP_AUTO_RELEASE,
  PROP_COMP_MAKEUP,
  PROP_COMP_SIDECHAIN_HPF,
  PROP_COMP_LINK,
  PROP_COMP_DETECTOR,
  PROP_COMP_MIX,
  PROP_EQ_BAND_FIRST,
  N_PROPS = PROP_EQ_BAND_FIRST + LQ_GST_STRIP_EQ_BANDS * N_BAND_FIELDS
};

static GParamSpec *properties[N_PROPS];

/* Where each property lives; the bands' entries are filled in by make_band_properties(). */
#define FIELD(member) LQ_GST_FIELD (LqGstStrip, props.member)
static LqGstField fields[N_PROPS] = {
  [PROP_GAIN] = FIELD (gain_db),
  [PROP_PAN] = FIELD (pan),
  [PROP_INVERT] = FIELD (invert),
  [PROP_MUTE] = FIELD (mute),
  [PROP_BYPASS] = FIELD (bypass),
  [PROP_EQ_BYPASS] = FIELD (eq_bypass),
  [PROP_EQ_NUM_BANDS] = FIELD (eq_num_bands),
  [PROP_COMP_BYPASS] = FIELD (comp_bypass),
  [PROP_COMP_THRESHOLD] = FIELD (comp_threshold),
  [PROP_COMP_RATIO] = FIELD (comp_ratio),
  [PROP_COMP_KNEE] = FIELD (comp_knee),
  [PROP_COMP_ATTACK] = FIELD (comp_attack),
  [PROP_COMP_RELEASE] = FIELD (comp_release),
  [PROP_COMP_AUTO_RELEASE] = FIELD (comp_auto_release),
  [PROP_COMP_MAKEUP] = FIELD (comp_makeup),
  [PROP_COMP_SIDECHAIN_HPF] = FIELD (comp_sidechain_hpf),
  [PROP_COMP_LINK] = FIELD (comp_link),
  [PROP_COMP_DETECTOR] = FIELD (comp_detector),
  [PROP_COMP_MIX] = FIELD (comp_mix),
};
#undef FIELD

/* The fields of a band's properties within its LqEqBand. */
static const LqGstField band_fields[N_BAND_FIELDS] = {
  [BAND_TYPE] = LQ_GST_FIELD (LqEqBand, type),
  [BAND_FREQ] = LQ_GST_FIELD (LqEqBand, freq),
  [BAND_GAIN] = LQ_GST_FIELD (LqEqBand, gain_db),
  [BAND_Q] = LQ_GST_FIELD (LqEqBand, q),
  [BAND_SLOPE] = LQ_GST_FIELD (LqEqBand, slope),
  [BAND_CHANNELS] = LQ_GST_FIELD (LqEqBand, channels),
  [BAND_BYPASS] = LQ_GST_FIELD (LqEqBand, bypass),
};

/* Default bands: a classic four-band strip (all at 0 dB, so they do nothing), then bells. */
static const struct
{
  LqBiquadType type;
  double freq;
} default_bands[LQ_GST_STRIP_EQ_BANDS] = {
  { LQ_BIQUAD_LOW_SHELF, 100.0 },
  { LQ_BIQUAD_BELL, 400.0 },
  { LQ_BIQUAD_BELL, 2500.0 },
  { LQ_BIQUAD_HIGH_SHELF, 8000.0 },
  { LQ_BIQUAD_BELL, 1000.0 },
  { LQ_BIQUAD_BELL, 1000.0 },
  { LQ_BIQUAD_BELL, 1000.0 },
  { LQ_BIQUAD_BELL, 1000.0 },
};

static gboolean
band_equal (const LqEqBand *a, const LqEqBand *b)
{
  return a->type == b->type && a->freq == b->freq && a->gain_db == b->gain_db && a->q == b->q
         && a->slope == b->slope && a->channels == b->channels && a->bypass == b->bypass;
}

/* Whether the EQ changes the signal at all: some band in use, not bypassed, and either a pass
 * or a bell/shelf with gain. */
static gboolean
eq_is_active (const StripParams *p)
{
  if (p->eq_bypass)
    return FALSE;
  for (guint b = 0; b < p->eq_num_bands; b++)
    {
      const LqEqBand *band = &p->eq[b];

      if (band->bypass)
        continue;
      if (band->type == LQ_BIQUAD_HIGH_PASS || band->type == LQ_BIQUAD_LOW_PASS
          || band->gain_db != 0.0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
comp_is_active (const StripParams *p)
{
  return !p->comp_bypass && p->comp_mix > 0.0 && (p->comp_ratio > 1.0 || p->comp_makeup != 0.0);
}

/* Gives the kernels the settings that changed since the last buffer. */
static void
apply_params (LqGstStrip *self, const StripParams *p)
{
  StripParams *a = &self->applied;
  gboolean all = self->force_apply;

  if (all || p->eq_num_bands != a->eq_num_bands)
    lq_eq_set_num_bands (self->eq, p->eq_num_bands);
  for (guint b = 0; b < LQ_GST_STRIP_EQ_BANDS; b++)
    if (all || !band_equal (&p->eq[b], &a->eq[b]))
      lq_eq_set_band (self->eq, b, &p->eq[b]);

#define CHANGED(field) (all || p->field != a->field)
  if (CHANGED (comp_threshold))
    lq_compressor_set_threshold (self->comp, p->comp_threshold);
  if (CHANGED (comp_ratio))
    lq_compressor_set_ratio (self->comp, p->comp_ratio);
  if (CHANGED (comp_knee))
    lq_compressor_set_knee (self->comp, p->comp_knee);
  if (CHANGED (comp_attack))
    lq_compressor_set_attack (self->comp, p->comp_attack);
  if (CHANGED (comp_release))
    lq_compressor_set_release (self->comp, p->comp_release);
  if (CHANGED (comp_auto_release))
    lq_compressor_set_auto_release (self->comp, p->comp_auto_release);
  if (CHANGED (comp_makeup))
    lq_compressor_set_makeup (self->comp, p->comp_makeup);
  if (CHANGED (comp_sidechain_hpf))
    lq_compressor_set_sidechain_hpf (self->comp, p->comp_sidechain_hpf);
  if (CHANGED (comp_link))
    lq_compressor_set_link (self->comp, p->comp_link);
  if (CHANGED (comp_detector))
    lq_compressor_set_detector (self->comp, p->comp_detector);
  if (CHANGED (comp_mix))
    lq_compressor_set_mix (self->comp, p->comp_mix);
#undef CHANGED

  *a = *p;
  self->force_apply = FALSE;
}

/* The output gains of the two channels for these settings. */
static void
target_gains (const StripParams *p, guint in_channels, double *gl, double *gr)
{
  double g, pan = CLAMP (p->pan, -1.0, 1.0);

  if (p->mute || p->gain_db <= GAIN_MIN_DB)
    g = 0.0;
  else
    g = lq_db_to_gain (MIN (p->gain_db, GAIN_MAX_DB));
  if (p->invert)
    g = -g;

  if (in_channels == 1)
    {
      double t = (pan + 1.0) * LQ_PI / 4.0;

      *gl = g * cos (t);
      *gr = g * sin (t);
    }
  else
    {
      *gl = pan > 0.0 ? g * cos (pan * LQ_PI / 2.0) : g;
      *gr = pan < 0.0 ? g * cos (pan * LQ_PI / 2.0) : g;
    }
}

/* Moves a crossfade position one frame towards @target and returns the gain of the side
 * being faded in (a raised cosine). */
static double
fade_next (double *mix,
           double  target,
           double  step)
{
  *mix = target > *mix ? MIN (target, *mix + step) : MAX (target, *mix - step);
  return 0.5 - 0.5 * cos (G_PI * *mix);
}

/* A section (the EQ or the compressor) runs in place on self->work and crossfades with its
 * input while it turns on or off (*mix towards @target). section_begin() says whether it runs
 * at all (not while it is off and faded out) and keeps its input for the crossfade; the caller
 * then resets the kernel if *mix is 0 (a section that comes back starts from a clean state),
 * runs it, and calls section_end(). */
static gboolean
section_begin (LqGstStrip *self,
               double      mix,
               double      target,
               guint       frames)
{
  if (mix == 0.0 && target == 0.0)
    return FALSE;
  if (mix != target)
    memcpy (self->tmp, self->work, (gsize) frames * self->in_channels * sizeof (float));
  return TRUE;
}

static void
section_end (LqGstStrip *self,
             double     *mix,
             double      target,
             guint       frames)
{
  guint ch = self->in_channels;

  if (*mix == target)
    return;
  for (guint i = 0; i < frames; i++)
    {
      double m = fade_next (mix, target, self->fade_step);

      for (guint c = 0; c < ch; c++)
        {
          float x = self->tmp[i * ch + c];
          self->work[i * ch + c] = (float) (x + m * (self->work[i * ch + c] - x));
        }
    }
}

/* Processes `frames` (<= CHUNK) frames of `in` (in_channels wide) into `out` (stereo). */
static void
process_chunk (LqGstStrip        *self,
               const StripParams *p,
               const float       *in,
               float             *out,
               guint              frames)
{
  guint ch = self->in_channels;
  gsize n = (gsize) frames * ch;
  double eq_target = eq_is_active (p) ? 1.0 : 0.0;
  double comp_target = comp_is_active (p) ? 1.0 : 0.0;
  double bypass_target = p->bypass ? 1.0 : 0.0;
  gboolean bad = FALSE;

  for (gsize i = 0; i < n; i++)
    self->dry[i] = isfinite (in[i]) ? in[i] : 0.0f;
  memcpy (self->work, self->dry, n * sizeof (float));

  if (section_begin (self, self->eq_mix, eq_target, frames))
    {
      if (self->eq_mix == 0.0)
        lq_eq_reset (self->eq);
      lq_eq_process (self->eq, self->work, frames);
      section_end (self, &self->eq_mix, eq_target, frames);
    }
  if (section_begin (self, self->comp_mix, comp_target, frames))
    {
      if (self->comp_mix == 0.0)
        lq_compressor_reset (self->comp);
      lq_compressor_process (self->comp, self->work, frames);
      section_end (self, &self->comp_mix, comp_target, frames);
    }

  /* Gain, polarity, pan, mute: two smoothed gains, mono or stereo in, stereo out. */
  if (lq_smoother_settled (&self->gain_l) && lq_smoother_settled (&self->gain_r))
    {
      float gl = (float) self->gain_l.current, gr = (float) self->gain_r.current;

      if (ch == 1)
        for (guint i = 0; i < frames; i++)
          {
            out[2 * i] = self->work[i] * gl;
            out[2 * i + 1] = self->work[i] * gr;
          }
      else
        for (guint i = 0; i < frames; i++)
          {
            out[2 * i] = self->work[2 * i] * gl;
            out[2 * i + 1] = self->work[2 * i + 1] * gr;
          }
    }
  else
    {
      for (guint i = 0; i < frames; i++)
        {
          float gl = (float) lq_smoother_next (&self->gain_l);
          float gr = (float) lq_smoother_next (&self->gain_r);

          out[2 * i] = self->work[i * ch] * gl;
          out[2 * i + 1] = self->work[i * ch + ch - 1] * gr;
        }
    }

  /* The whole strip's bypass: the input at unity (mono copied to both channels). */
  if (self->bypass_mix == bypass_target && bypass_target == 1.0)
    {
      for (guint i = 0; i < frames; i++)
        {
          out[2 * i] = self->dry[i * ch];
          out[2 * i + 1] = self->dry[i * ch + ch - 1];
        }
    }
  else if (self->bypass_mix != bypass_target)
    {
      for (guint i = 0; i < frames; i++)
        {
          double m = fade_next (&self->bypass_mix, bypass_target, self->fade_step);

          out[2 * i] = (float) ((1.0 - m) * out[2 * i] + m * self->dry[i * ch]);
          out[2 * i + 1] = (float) ((1.0 - m) * out[2 * i + 1] + m * self->dry[i * ch + ch - 1]);
        }
    }

  for (guint i = 0; i < frames * 2; i++)
    if (!isfinite (out[i]))
      {
        out[i] = 0.0f;
        bad = TRUE;
      }
  if (bad)
    {
      GST_DEBUG_OBJECT (self, "non-finite output: resetting the kernels");
      lq_eq_reset (self->eq);
      lq_compressor_reset (self->comp);
    }
}

static void
reset_state (LqGstStrip *self)
{
  StripParams p;
  double gl, gr;

  if (self->eq == NULL)
    return;
  LQ_GST_COPY_LOCKED (self, p, self->props);

  lq_eq_reset (self->eq);
  lq_compressor_reset (self->comp);
  self->force_apply = TRUE;
  apply_params (self, &p);
  lq_eq_reset (self->eq);
  lq_compressor_snap (self->comp);
  /* A fresh stream starts in its final state: no fades. */
  self->eq_mix = eq_is_active (&p) ? 1.0 : 0.0;
  self->comp_mix = comp_is_active (&p) ? 1.0 : 0.0;
  self->bypass_mix = p.bypass ? 1.0 : 0.0;
  target_gains (&p, self->in_channels, &gl, &gr);
  lq_smoother_init (&self->gain_l, gl, SMOOTH_MS, self->rate);
  lq_smoother_init (&self->gain_r, gr, SMOOTH_MS, self->rate);
}

static gboolean
lq_gst_strip_setup (GstAudioFilter     *filter,
                    const GstAudioInfo *info)
{
  LqGstStrip *self = LQ_GST_STRIP (filter);
  guint rate = GST_AUDIO_INFO_RATE (info);
  guint channels = GST_AUDIO_INFO_CHANNELS (info);
  LqEq *eq;
  LqCompressor *comp;

  if (GST_AUDIO_INFO_FORMAT (info) != GST_AUDIO_FORMAT_F32 || channels < 1 || channels > 2)
    return FALSE;
  if (self->eq != NULL && rate == self->rate && channels == self->in_channels)
    return TRUE;

  eq = lq_eq_new (rate, channels);
  comp = lq_compressor_new (channels, rate);
  if (eq == NULL || comp == NULL)
    {
      g_clear_pointer (&eq, lq_eq_free);
      g_clear_pointer (&comp, lq_compressor_free);
      GST_ERROR_OBJECT (self, "cannot process %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  g_clear_pointer (&self->eq, lq_eq_free);
  g_clear_pointer (&self->comp, lq_compressor_free);
  self->eq = eq;
  self->comp = comp;
  self->rate = rate;
  self->in_channels = channels;
  self->fade_step = 1.0 / (FADE_MS * 0.001 * rate);
  reset_state (self);
  return TRUE;
}

static GstCaps *
lq_gst_strip_transform_caps (GstBaseTransform *trans,
                             GstPadDirection   direction,
                             GstCaps          *caps,
                             GstCaps          *filter)
{
  GstCaps *res = gst_caps_copy (caps);

  for (guint i = 0; i < gst_caps_get_size (res); i++)
    {
      GstStructure *s = gst_caps_get_structure (res, i);

      gst_structure_remove_field (s, "channel-mask");
      if (direction == GST_PAD_SINK) /* from the input's caps to the output's */
        gst_structure_set (s, "channels", G_TYPE_INT, 2, "channel-mask", GST_TYPE_BITMASK,
                           (guint64) 0x3, NULL);
      else
        gst_structure_set (s, "channels", GST_TYPE_INT_RANGE, 1, 2, NULL);
    }
  if (filter != NULL)
    {
      GstCaps *tmp = gst_caps_intersect_full (filter, res, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref (res);
      res = tmp;
    }
  return res;
}

static gboolean
lq_gst_strip_get_unit_size (GstBaseTransform *trans,
                            GstCaps          *caps,
                            gsize            *size)
{
  GstAudioInfo info;

  if (!gst_audio_info_from_caps (&info, caps))
    return FALSE;
  *size = GST_AUDIO_INFO_BPF (&info);
  return TRUE;
}

static void
lq_gst_strip_before_transform (GstBaseTransform *trans,
                               GstBuffer        *buffer)
{
  GstClockTime t = GST_BUFFER_PTS (buffer);

  if (GST_CLOCK_TIME_IS_VALID (t))
    t = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, t);
  if (GST_CLOCK_TIME_IS_VALID (t))
    gst_object_sync_values (GST_OBJECT (trans), t);
}

static GstFlowReturn
lq_gst_strip_transform (GstBaseTransform *trans,
                        GstBuffer        *inbuf,
                        GstBuffer        *outbuf)
{
  LqGstStrip *self = LQ_GST_STRIP (trans);
  GstMapInfo in_map, out_map;
  StripParams p;
  double gl, gr;
  guint ch = self->in_channels;
  gsize frames;

  if (self->eq == NULL)
    return GST_FLOW_NOT_NEGOTIATED;

  LQ_GST_COPY_LOCKED (self, p, self->props);
  apply_params (self, &p);
  target_gains (&p, ch, &gl, &gr);
  lq_smoother_set (&self->gain_l, gl);
  lq_smoother_set (&self->gain_r, gr);

  if (!gst_buffer_map (inbuf, &in_map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  if (!gst_buffer_map (outbuf, &out_map, GST_MAP_WRITE))
    {
      gst_buffer_unmap (inbuf, &in_map);
      return GST_FLOW_ERROR;
    }
  frames = MIN (in_map.size / (ch * sizeof (float)), out_map.size / (2 * sizeof (float)));

  for (gsize done = 0; done < frames;)
    {
      guint n = (guint) MIN ((gsize) CHUNK, frames - done);

      process_chunk (self, &p, (const float *) in_map.data + done * ch,
                     (float *) out_map.data + done * 2, n);
      done += n;
    }

  gst_buffer_unmap (outbuf, &out_map);
  gst_buffer_unmap (inbuf, &in_map);
  return GST_FLOW_OK;
}

static gboolean
lq_gst_strip_sink_event (GstBaseTransform *trans,
                         GstEvent         *event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    reset_state (LQ_GST_STRIP (trans));
  return GST_BASE_TRANSFORM_CLASS (lq_gst_strip_parent_class)->sink_event (trans, event);
}

static gboolean
lq_gst_strip_start (GstBaseTransform *trans)
{
  reset_state (LQ_GST_STRIP (trans));
  return TRUE;
}

static void
lq_gst_strip_finalize (GObject *object)
{
  LqGstStrip *self = LQ_GST_STRIP (object);

  g_clear_pointer (&self->eq, lq_eq_free);
  g_clear_pointer (&self->comp, lq_compressor_free);

  G_OBJECT_CLASS (lq_gst_strip_parent_class)->finalize (object);
}

/* A band's slope is rounded to one the kernel has; the other properties are stored as they
 * are. */
static void
lq_gst_strip_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LqGstStrip *self = LQ_GST_STRIP (object);
  guint slope;

  if (prop_id < PROP_EQ_BAND_FIRST || (prop_id - PROP_EQ_BAND_FIRST) % N_BAND_FIELDS != BAND_SLOPE)
    {
      lq_gst_util_set_field (object, value, pspec);
      return;
    }
  slope = lq_biquad_valid_slope (g_value_get_uint (value));
  LQ_GST_COPY_LOCKED (self, self->props.eq[(prop_id - PROP_EQ_BAND_FIRST) / N_BAND_FIELDS].slope,
                      slope);
}

/* Makes band @b's properties and their fields. */
static void
make_band_properties (guint       b,
                      GParamFlags flags)
{
  static const char *names[N_BAND_FIELDS] = {
    "type", "freq", "gain", "q", "slope", "channels", "bypass"
  };
  const char *name[N_BAND_FIELDS];
  guint first = PROP_EQ_BAND_FIRST + b * N_BAND_FIELDS;
  gsize band_offset = G_STRUCT_OFFSET (LqGstStrip, props.eq) + b * sizeof (LqEqBand);

  /* Interned: the names live as long as the type, as G_PARAM_STATIC_STRINGS wants. */
  for (guint f = 0; f < N_BAND_FIELDS; f++)
    {
      g_autofree char *s = g_strdup_printf ("eq-band%u-%s", b, names[f]);
      name[f] = g_intern_string (s);
    }

  properties[first + BAND_TYPE] =
    g_param_spec_enum (name[BAND_TYPE], "EQ band type", "Filter type of the EQ band",
                       LQ_TYPE_GST_EQ_BAND_TYPE, default_bands[b].type, flags);
  properties[first + BAND_FREQ] =
    g_param_spec_double (name[BAND_FREQ], "EQ band frequency",
                         "Centre, corner or cutoff frequency in Hz",
                         10.0, 96000.0, default_bands[b].freq, flags | GST_PARAM_CONTROLLABLE);
  properties[first + BAND_GAIN] =
    g_param_spec_double (name[BAND_GAIN], "EQ band gain", "Gain of a bell or shelf in dB",
                         -36.0, 36.0, 0.0, flags | GST_PARAM_CONTROLLABLE);
  properties[first + BAND_Q] =
    g_param_spec_double (name[BAND_Q], "EQ band Q",
                         "Bandwidth, or the resonance of a pass (0.7071: Butterworth)",
                         0.1, 40.0, G_SQRT2 / 2.0, flags | GST_PARAM_CONTROLLABLE);
  properties[first + BAND_SLOPE] =
    g_param_spec_uint (name[BAND_SLOPE], "EQ band slope",
                       "Slope of a pass in dB/oct (6, 12, 24, 36, 48)",
                       6, 48, 12, flags);
  properties[first + BAND_CHANNELS] =
    g_param_spec_enum (name[BAND_CHANNELS], "EQ band channels", "What the band acts on",
                       LQ_TYPE_GST_EQ_CHANNELS, LQ_EQ_STEREO, flags);
  properties[first + BAND_BYPASS] =
    g_param_spec_boolean (name[BAND_BYPASS], "EQ band bypass", "Turn the band off",
                          FALSE, flags | GST_PARAM_CONTROLLABLE);
  for (guint f = 0; f < N_BAND_FIELDS; f++)
    fields[first + f] = (LqGstField) { band_offset + band_fields[f].offset, band_fields[f].size };
}

static void
lq_gst_strip_class_init (LqGstStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  const GParamFlags cflags = flags | GST_PARAM_CONTROLLABLE;
  g_autoptr(GstCaps) sink_caps = gst_caps_from_string (SINK_CAPS);
  g_autoptr(GstCaps) src_caps = gst_caps_from_string (SRC_CAPS);

  GST_DEBUG_CATEGORY_INIT (lq_gst_strip_debug, "lqstrip", 0, "Lacquer channel strip");

  object_class->finalize = lq_gst_strip_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_strip_set_property;

  trans_class->transform_caps = GST_DEBUG_FUNCPTR (lq_gst_strip_transform_caps);
  trans_class->get_unit_size = GST_DEBUG_FUNCPTR (lq_gst_strip_get_unit_size);
  trans_class->before_transform = GST_DEBUG_FUNCPTR (lq_gst_strip_before_transform);
  trans_class->transform = GST_DEBUG_FUNCPTR (lq_gst_strip_transform);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (lq_gst_strip_sink_event);
  trans_class->start = GST_DEBUG_FUNCPTR (lq_gst_strip_start);
  trans_class->passthrough_on_same_caps = FALSE;
  filter_class->setup = GST_DEBUG_FUNCPTR (lq_gst_strip_setup);

  gst_element_class_add_pad_template (
    element_class, gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, sink_caps));
  gst_element_class_add_pad_template (
    element_class, gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, src_caps));
  gst_element_class_set_static_metadata (element_class, "Lacquer channel strip",
                                         "Filter/Effect/Audio",
                                         "Mixing strip for stems: EQ, compressor, gain, pan, "
                                         "polarity, mute; mono or stereo in, stereo out",
                                         "Lacquer developers");

  properties[PROP_GAIN] =
    g_param_spec_double ("gain", "Gain", "Fader gain in dB (-120 is silence), smoothed",
                         GAIN_MIN_DB, GAIN_MAX_DB, 0.0, cflags);
  properties[PROP_PAN] =
    g_param_spec_double ("pan", "Pan",
                         "-1 left .. 1 right: constant power for mono, balance for stereo",
                         -1.0, 1.0, 0.0, cflags);
  properties[PROP_INVERT] =
    g_param_spec_boolean ("invert", "Invert", "Invert the polarity (glides, no click)",
                          FALSE, cflags);
  properties[PROP_MUTE] =
    g_param_spec_boolean ("mute", "Mute", "Silence the output (faded, no click)", FALSE, cflags);
  properties[PROP_BYPASS] =
    g_param_spec_boolean ("bypass", "Bypass",
                          "Pass the input through unprocessed (mono copied to both channels)",
                          FALSE, cflags);
  properties[PROP_EQ_BYPASS] =
    g_param_spec_boolean ("eq-bypass", "EQ bypass", "Turn the EQ section off (crossfaded)",
                          FALSE, cflags);
  properties[PROP_EQ_NUM_BANDS] =
    g_param_spec_uint ("eq-num-bands", "EQ bands", "Number of EQ bands in use",
                       1, LQ_GST_STRIP_EQ_BANDS, 4, flags);
  properties[PROP_COMP_BYPASS] =
    g_param_spec_boolean ("comp-bypass", "Compressor bypass",
                          "Turn the compressor section off (crossfaded)", FALSE, cflags);
  properties[PROP_COMP_THRESHOLD] =
    g_param_spec_double ("comp-threshold", "Compressor threshold", "Threshold in dB",
                         -80.0, 0.0, -18.0, cflags);
  properties[PROP_COMP_RATIO] =
    g_param_spec_double ("comp-ratio", "Compressor ratio", "Ratio (1: no compression)",
                         1.0, 100.0, 1.0, cflags);
  properties[PROP_COMP_KNEE] =
    g_param_spec_double ("comp-knee", "Compressor knee", "Soft knee width in dB",
                         0.0, 24.0, 6.0, cflags);
  properties[PROP_COMP_ATTACK] =
    g_param_spec_double ("comp-attack", "Compressor attack", "Attack time constant in ms",
                         0.0, 500.0, 10.0, cflags);
  properties[PROP_COMP_RELEASE] =
    g_param_spec_double ("comp-release", "Compressor release", "Release time constant in ms",
                         1.0, 5000.0, 150.0, cflags);
  properties[PROP_COMP_AUTO_RELEASE] =
    g_param_spec_boolean ("comp-auto-release", "Compressor auto release",
                          "Program-dependent release", FALSE, cflags);
  properties[PROP_COMP_MAKEUP] =
    g_param_spec_double ("comp-makeup", "Compressor makeup", "Makeup gain in dB",
                         -24.0, 24.0, 0.0, cflags);
  properties[PROP_COMP_SIDECHAIN_HPF] =
    g_param_spec_double ("comp-sidechain-hpf", "Compressor sidechain high-pass",
                         "High-pass on the detector in Hz (0: off)", 0.0, 2000.0, 0.0, cflags);
  properties[PROP_COMP_LINK] =
    g_param_spec_double ("comp-link", "Compressor stereo link", "0 independent .. 1 linked",
                         0.0, 1.0, 1.0, cflags);
  properties[PROP_COMP_DETECTOR] =
    g_param_spec_enum ("comp-detector", "Compressor detector", "Level detector",
                       LQ_TYPE_GST_COMPRESSOR_DETECTOR, LQ_COMPRESSOR_DETECTOR_PEAK, flags);
  properties[PROP_COMP_MIX] =
    g_param_spec_double ("comp-mix", "Compressor mix", "Parallel blend: 0 dry .. 1 compressed",
                         0.0, 1.0, 1.0, cflags);
  for (guint b = 0; b < LQ_GST_STRIP_EQ_BANDS; b++)
    make_band_properties (b, flags);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);
}

static void
lq_gst_strip_init (LqGstStrip *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  self->force_apply = TRUE;

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}
