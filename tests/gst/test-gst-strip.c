/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqstrip through GstHarness. Expected values are closed forms written here: the pan laws
 * (cos/sin), the analogue bell prototype, the compressor's static curve formula, exact
 * identity and negation. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/gst.h>

#include "lq-elements.h"
#include "lq-synth.h"

#define RATE 48000
#define CAPS_FMT                                                                                   \
  "audio/x-raw, format=(string)" GST_AUDIO_NE (                                                    \
      F32) ", rate=(int)48000, layout=(string)interleaved, "
#define CAPS_MONO CAPS_FMT "channels=(int)1"
#define CAPS_STEREO CAPS_FMT "channels=(int)2, channel-mask=(bitmask)0x3"

/* Sets a property from its string form (as gst-launch-1.0 does), failing on unknown names or
 * values. */
static gboolean
set_arg (GObject *object, const char *name, const char *value)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  g_auto(GValue) v = G_VALUE_INIT;

  if (pspec == NULL)
    return FALSE;
  g_value_init (&v, pspec->value_type);
  if (!gst_value_deserialize (&v, value))
    return FALSE;
  g_object_set_property (object, name, &v);
  return TRUE;
}

static GstHarness *
new_strip (guint channels, const char *props)
{
  GstHarness *h = gst_harness_new ("lqstrip");

  if (props != NULL)
    {
      g_auto(GStrv) kv = g_strsplit (props, " ", -1);
      for (char **p = kv; *p; p++)
        {
          g_auto(GStrv) pair = g_strsplit (*p, "=", 2);
          g_assert_nonnull (pair[1]);
          g_assert_true (set_arg (G_OBJECT (h->element), pair[0], pair[1]));
        }
    }
  gst_harness_set_src_caps_str (h, channels == 1 ? CAPS_MONO : CAPS_STEREO);
  return h;
}

/* Pushes `frames` frames of `in` (in_ch wide) in buffers of `block` frames and collects the
 * stereo output into `out` (2 * frames floats). */
static void
run (GstHarness *h, const float *in, guint in_ch, float *out, gsize frames, gsize block)
{
  gsize got = 0;

  for (gsize done = 0; done < frames; done += block)
    {
      gsize n = MIN (block, frames - done);
      GstBuffer *buf = gst_buffer_new_memdup (in + done * in_ch, n * in_ch * sizeof (float));

      GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int_round (done, GST_SECOND, RATE);
      g_assert_cmpint (gst_harness_push (h, buf), ==, GST_FLOW_OK);
    }
  while (got < frames)
    {
      GstBuffer *buf = gst_harness_pull (h);
      gsize size = gst_buffer_get_size (buf);

      g_assert_cmpuint (got * 2 * sizeof (float) + size, <=, frames * 2 * sizeof (float));
      gst_buffer_extract (buf, 0, out + got * 2, size);
      got += size / (2 * sizeof (float));
      gst_buffer_unref (buf);
    }
}

static double
max_step (const float *x, gsize n, guint stride)
{
  double m = 0.0;

  for (gsize i = 1; i < n; i++)
    m = MAX (m, fabs ((double) x[i * stride] - x[(i - 1) * stride]));
  return m;
}

static double
peak_db (const float *x, gsize n, guint stride)
{
  double m = 0.0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs (x[i * stride]));
  return 20.0 * log10 (m);
}

/* The level of a sine in dB of its peak, from its RMS (exact over whole periods, unlike the
 * sample peak which depends on where the samples fall). */
static double
sine_level_db (const float *x, gsize n, guint stride)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    sum += (double) x[i * stride] * x[i * stride];
  return 10.0 * log10 (2.0 * sum / n);
}

static void
test_properties (void)
{
  GstElement *e = gst_element_factory_make ("lqstrip", NULL);
  GObjectClass *klass;
  static const char *names[] = {
    "gain", "pan", "invert", "mute", "bypass", "eq-bypass", "eq-num-bands", "comp-bypass",
    "comp-threshold", "comp-ratio", "comp-knee", "comp-attack", "comp-release", "comp-auto-release",
    "comp-makeup", "comp-sidechain-hpf", "comp-link", "comp-detector", "comp-mix", NULL
  };
  static const char *band_fields[]
      = { "type", "freq", "gain", "q", "slope", "channels", "bypass", NULL };
  int v;

  g_assert_nonnull (e);
  klass = G_OBJECT_GET_CLASS (e);
  for (const char **n = names; *n; n++)
    g_assert_nonnull (g_object_class_find_property (klass, *n));
  for (int b = 0; b < 8; b++)
    for (const char **f = band_fields; *f; f++)
      {
        g_autofree char *name = g_strdup_printf ("eq-band%d-%s", b, *f);
        g_assert_nonnull (g_object_class_find_property (klass, name));
      }
  g_assert_null (g_object_class_find_property (klass, "eq-band8-gain"));
  g_assert_true (g_object_class_find_property (klass, "pan")->flags & GST_PARAM_CONTROLLABLE);

  /* The nicks users type. */
  g_assert_true (set_arg (G_OBJECT (e), "eq-band2-type", "high-shelf"));
  g_object_get (e, "eq-band2-type", &v, NULL);
  g_assert_cmpint (v, ==, 2);
  g_assert_true (set_arg (G_OBJECT (e), "eq-band2-channels", "side"));
  g_assert_true (set_arg (G_OBJECT (e), "comp-detector", "rms"));
  g_assert_true (set_arg (G_OBJECT (e), "eq-band0-type", "high-pass"));
  g_assert_true (set_arg (G_OBJECT (e), "eq-band1-type", "low-pass"));
  g_assert_true (set_arg (G_OBJECT (e), "eq-band3-type", "low-shelf"));
  g_assert_true (set_arg (G_OBJECT (e), "eq-band4-type", "bell"));
  gst_object_unref (e);
}

static void
test_mono_to_stereo_caps (void)
{
  GstHarness *h = new_strip (1, NULL);
  float in[256], out[512];
  GstCaps *caps;
  GstStructure *s;
  int channels = 0;

  lq_synth_noise (in, 256, 1, 0.5, 3);
  run (h, in, 1, out, 256, 256);
  caps = gst_pad_get_current_caps (h->sinkpad);
  s = gst_caps_get_structure (caps, 0);
  g_assert_true (gst_structure_get_int (s, "channels", &channels));
  g_assert_cmpint (channels, ==, 2);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
}

static void
test_neutral_transparent (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (2, NULL);
  float g = (float) sqrt (0.5);

  /* Stereo at the defaults: bit-identical. */
  lq_synth_demo_render (3, RATE, in, frames);
  run (h, in, 2, out, frames, 1000);
  g_assert_cmpmem (in, frames * 2 * sizeof (float), out, frames * 2 * sizeof (float));
  gst_harness_teardown (h);

  /* Mono at the defaults: centre of the constant-power law, sqrt(1/2) in each channel. */
  h = new_strip (1, NULL);
  run (h, in, 1, out, frames, 1000);
  for (gsize i = 0; i < frames; i++)
    {
      g_assert_cmpfloat (fabs (out[2 * i] - in[i] * g), <=, fabs (in[i]) * 1.2e-7);
      g_assert_cmpfloat (out[2 * i + 1], ==, out[2 * i]);
    }
  gst_harness_teardown (h);
}

static void
test_pan_law (void)
{
  const gsize frames = 4800;
  float *in = g_new (float, frames);
  float *out = g_new (float, frames * 2);

  lq_synth_sine (in, frames, 1, RATE, 1000.0, 0.5, 0.1);
  for (int k = -4; k <= 4; k++)
    {
      double pan = k / 4.0, t = (pan + 1.0) * G_PI / 4.0;
      g_autofree char *props = g_strdup_printf ("pan=%g", pan);
      GstHarness *h = new_strip (1, props);

      run (h, in, 1, out, frames, 480);
      for (gsize i = 0; i < frames; i++)
        {
          double l = out[2 * i], r = out[2 * i + 1], x = in[i];

          g_assert_cmpfloat_with_epsilon (l, x * cos (t), 1e-7);
          g_assert_cmpfloat_with_epsilon (r, x * sin (t), 1e-7);
          /* Constant power: L^2 + R^2 = x^2. */
          g_assert_cmpfloat_with_epsilon (l * l + r * r, x * x, 1e-6);
        }
      if (k == 0)
        {
          /* Centre: -3.01 dB in each channel. */
          g_assert_cmpfloat_with_epsilon (peak_db (out, frames, 2) - peak_db (in, frames, 1),
                                          -3.0103, 0.001);
        }
      if (k == -4)
        for (gsize i = 0; i < frames; i++)
          {
            g_assert_cmpfloat (out[2 * i], ==, in[i]);
            g_assert_cmpfloat (out[2 * i + 1], ==, 0.0f);
          }
      gst_harness_teardown (h);
    }

  /* Stereo: a balance, unity at the centre; at 0.5 the left is at cos (pi / 4). */
  {
    float *st = g_new (float, frames * 2);
    GstHarness *h = new_strip (2, "pan=0.5");

    lq_synth_noise (st, frames, 2, 0.5, 11);
    run (h, st, 2, out, frames, 480);
    for (gsize i = 0; i < frames; i++)
      {
        g_assert_cmpfloat_with_epsilon (out[2 * i], st[2 * i] * cos (G_PI / 4.0), 1e-7);
        g_assert_cmpfloat (out[2 * i + 1], ==, st[2 * i + 1]);
      }
    gst_harness_teardown (h);
    g_free (st);
  }
  g_free (in);
  g_free (out);
}

static void
test_polarity_and_gain_exact (void)
{
  const gsize frames = 9600;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (2, "invert=true");
  float g = (float) pow (10.0, -6.0 / 20.0);

  lq_synth_demo_render (0, RATE, in, frames);
  run (h, in, 2, out, frames, 512);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (out[i], ==, -in[i]);
  gst_harness_teardown (h);

  h = new_strip (2, "gain=-6");
  run (h, in, 2, out, frames, 512);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (fabs (out[i] - in[i] * g), <=, fabs (in[i] * g) * 1.2e-7);
  gst_harness_teardown (h);
}

/* Toggles `prop` on a full-scale 1 kHz sine in the middle of the run: no sample step larger
 * than the input's own. Returns the output. */
static void
toggle_run (GstHarness *h, const char *prop, const float *in, float *out, gsize frames)
{
  run (h, in, 2, out, frames / 2, 480);
  g_object_set (h->element, prop, TRUE, NULL);
  run (h, in + frames, 2, out + frames, frames / 2, 480);
}

static void
test_mute_and_invert_click_free (void)
{
  const gsize frames = 9600;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  double step_in;
  GstHarness *h;

  lq_synth_sine (in, frames, 2, RATE, 1000.0, 1.0, 0.0);
  step_in = max_step (in, frames, 2);

  h = new_strip (2, NULL);
  toggle_run (h, "mute", in, out, frames);
  g_assert_cmpfloat (max_step (out, frames, 2), <=, step_in * 1.001);
  /* 20 ms after the switch the output is down by 60 dB, and silent (exactly) after 65 ms. */
  for (gsize i = frames / 2 + RATE / 50 + 1; i < frames; i++)
    g_assert_cmpfloat (fabs (out[2 * i]), <=, 1e-3);
  for (gsize i = frames / 2 + RATE * 65 / 1000; i < frames; i++)
    g_assert_cmpfloat (out[2 * i], ==, 0.0f);
  gst_harness_teardown (h);

  h = new_strip (2, NULL);
  toggle_run (h, "invert", in, out, frames);
  g_assert_cmpfloat (max_step (out, frames, 2), <=, step_in * 1.001);
  for (gsize i = frames / 2 + RATE * 65 / 1000; i < frames; i++)
    g_assert_cmpfloat (out[2 * i], ==, -in[2 * i]);
  gst_harness_teardown (h);
}

/* |H(j f / f0)| of the analogue bell prototype (lq-biquad.h's definition, RBJ's). */
static double
bell_mag (double f, double f0, double gain_db, double q)
{
  double a = pow (10.0, gain_db / 40.0), w = f / f0;
  double nr = 1.0 - w * w, ni = w * a / q, dr = 1.0 - w * w, di = w / (a * q);

  return sqrt ((nr * nr + ni * ni) / (dr * dr + di * di));
}

static void
test_eq_section (void)
{
  /* A +6 dB bell at 1 kHz, Q 1.4, in band 1: a sine's steady gain at 1 kHz, 300 Hz and 3 kHz
   * equals the analogue prototype's. */
  const gsize frames = RATE / 2;
  const double freqs[] = { 1000.0, 300.0, 3000.0 };
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);

  for (gsize k = 0; k < G_N_ELEMENTS (freqs); k++)
    {
      GstHarness *h = new_strip (2, "eq-band1-freq=1000 eq-band1-gain=6 eq-band1-q=1.4");
      double expected = 20.0 * log10 (bell_mag (freqs[k], 1000.0, 6.0, 1.4));
      double got;

      lq_synth_sine (in, frames, 2, RATE, freqs[k], 0.25, 0.0);
      run (h, in, 2, out, frames, 1024);
      got = sine_level_db (out + frames, frames / 2, 2)
            - sine_level_db (in + frames, frames / 2, 2);
      g_test_message ("bell at %.0f Hz: %.3f dB, prototype %.3f dB", freqs[k], got, expected);
      g_assert_cmpfloat_with_epsilon (got, expected, 0.01);
      gst_harness_teardown (h);
    }
}

static void
test_comp_section (void)
{
  /* Ratio 4, threshold -20 dB, hard knee, RMS detector: a 1 kHz sine at -8 dBFS comes out at
   * T + (x - T) / R = -17 dBFS once settled. */
  const gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (2, "comp-ratio=4 comp-threshold=-20 comp-knee=0 comp-detector=rms "
                                "comp-attack=5 comp-release=50");
  double expected = -20.0 + (-8.0 + 20.0) / 4.0, got;

  lq_synth_sine (in, frames, 2, RATE, 1000.0, pow (10.0, -8.0 / 20.0), 0.0);
  run (h, in, 2, out, frames, 1024);
  got = sine_level_db (out + frames, frames / 2, 2);
  g_test_message ("compressed level %.3f dBFS, formula %.3f", got, expected);
  g_assert_cmpfloat_with_epsilon (got, expected, 0.1);
  gst_harness_teardown (h);
}

static void
test_non_finite_recovery (void)
{
  /* NaN and Inf are treated as silence: the output equals that of the same input with zeros
   * in their place, and stays finite. */
  const gsize frames = 9600;
  g_autofree float *a = g_new (float, frames * 2);
  g_autofree float *b = g_new (float, frames * 2);
  g_autofree float *out_a = g_new (float, frames * 2);
  g_autofree float *out_b = g_new (float, frames * 2);
  const char *props
      = "eq-band0-type=high-pass eq-band0-freq=60 eq-band2-gain=4 comp-ratio=3 comp-threshold=-24";
  GstHarness *h;

  lq_synth_demo_render (1, RATE, a, frames);
  memcpy (b, a, frames * 2 * sizeof (float));
  a[2001] = NAN;
  a[4000] = INFINITY;
  a[4001] = -INFINITY;
  b[2001] = b[4000] = b[4001] = 0.0f;

  h = new_strip (2, props);
  run (h, a, 2, out_a, frames, 512);
  gst_harness_teardown (h);
  h = new_strip (2, props);
  run (h, b, 2, out_b, frames, 512);
  gst_harness_teardown (h);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_true (isfinite (out_a[i]));
  g_assert_cmpmem (out_a, frames * 2 * sizeof (float), out_b, frames * 2 * sizeof (float));
}

static void
test_silence (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new0 (float, frames);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (1, "eq-band0-type=high-pass eq-band0-freq=60 eq-band2-gain=4 "
                                "comp-ratio=3 comp-makeup=6 gain=6");

  run (h, in, 1, out, frames, 1024);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (fabs (out[i]), <, 1e-15); /* below -300 dBFS */
  gst_harness_teardown (h);
}

static void
test_bypass (void)
{
  /* Bypassed from the start: the input, exactly, even with the sections active (mono goes to
   * both channels at unity). Then switching the EQ section off and on makes no click. */
  const gsize frames = 9600;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (1, "bypass=true eq-band2-gain=6 comp-ratio=3 pan=0.7 gain=-3");
  double step_in;

  lq_synth_noise (in, frames, 1, 0.5, 17);
  run (h, in, 1, out, frames, 512);
  for (gsize i = 0; i < frames; i++)
    {
      g_assert_cmpfloat (out[2 * i], ==, in[i]);
      g_assert_cmpfloat (out[2 * i + 1], ==, in[i]);
    }
  gst_harness_teardown (h);

  /* A 12 dB bell at the sine's frequency, bypassed and restored: the output moves between
   * 1x and 4x the input, never faster than a 4x sine does by itself. */
  lq_synth_sine (in, frames, 2, RATE, 1000.0, 0.2, 0.0);
  step_in = max_step (in, frames, 2);
  h = new_strip (2, "eq-band1-freq=1000 eq-band1-gain=12 eq-band1-q=0.7");
  toggle_run (h, "eq-bypass", in, out, frames);
  g_assert_cmpfloat (max_step (out, frames, 2), <=, 4.0 * step_in * 1.02);
  /* Off: the input again, exactly, once the 10 ms fade is over. */
  for (gsize i = frames / 2 + RATE / 100 + 1; i < frames; i++)
    g_assert_cmpfloat (out[2 * i], ==, in[2 * i]);
  gst_harness_teardown (h);
}

static void
test_controller (void)
{
  /* A GstController moves the pan from the centre to hard right at 0.1 s (step mode): the
   * buffers' stream time drives it, and the smoothed gains land on cos/sin of the new angle. */
  const gsize frames = RATE / 5;
  g_autofree float *in = g_new (float, frames);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = new_strip (1, NULL);
  GstControlSource *cs = gst_interpolation_control_source_new ();

  g_object_set (cs, "mode", GST_INTERPOLATION_MODE_NONE, NULL);
  /* The direct binding maps 0..1 onto the property's range, -1..1. */
  gst_timed_value_control_source_set (GST_TIMED_VALUE_CONTROL_SOURCE (cs), 0, 0.5);
  gst_timed_value_control_source_set (GST_TIMED_VALUE_CONTROL_SOURCE (cs), GST_SECOND / 10, 1.0);
  g_assert_true (gst_object_add_control_binding (
      GST_OBJECT (h->element),
      gst_direct_control_binding_new (GST_OBJECT (h->element), "pan", cs)));
  lq_synth_sine (in, frames, 1, RATE, 500.0, 0.5, 0.0);
  run (h, in, 1, out, frames, 480);
  for (gsize i = 0; i < RATE / 10; i++)
    {
      g_assert_cmpfloat_with_epsilon (out[2 * i], in[i] * sqrt (0.5), 1e-7);
      g_assert_cmpfloat_with_epsilon (out[2 * i + 1], in[i] * sqrt (0.5), 1e-7);
    }
  for (gsize i = RATE / 10 + RATE * 65 / 1000; i < frames; i++)
    {
      g_assert_cmpfloat_with_epsilon (out[2 * i], 0.0, 1e-7);
      g_assert_cmpfloat_with_epsilon (out[2 * i + 1], in[i], 1e-7);
    }
  gst_object_unref (cs);
  gst_harness_teardown (h);
}

static void
test_launch_line (void)
{
  g_autoptr(GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (
      "audiotestsrc num-buffers=20 ! audio/x-raw,rate=48000,channels=1 ! audioconvert ! "
      "lqstrip gain=-2 pan=-0.3 invert=true eq-band0-type=high-pass eq-band0-freq=90 "
      "eq-band2-gain=2.5 "
      "eq-band2-channels=mid comp-ratio=3 comp-threshold=-20 comp-detector=rms ! "
      "audio/x-raw,channels=2 ! fakesink",
      &error);
  GstBus *bus;
  GstMessage *msg;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/gst-strip/properties", test_properties);
  g_test_add_func ("/lq/gst-strip/mono-to-stereo", test_mono_to_stereo_caps);
  g_test_add_func ("/lq/gst-strip/neutral-transparent", test_neutral_transparent);
  g_test_add_func ("/lq/gst-strip/pan-law", test_pan_law);
  g_test_add_func ("/lq/gst-strip/polarity-and-gain-exact", test_polarity_and_gain_exact);
  g_test_add_func ("/lq/gst-strip/mute-invert-click-free", test_mute_and_invert_click_free);
  g_test_add_func ("/lq/gst-strip/eq-section", test_eq_section);
  g_test_add_func ("/lq/gst-strip/comp-section", test_comp_section);
  g_test_add_func ("/lq/gst-strip/non-finite", test_non_finite_recovery);
  g_test_add_func ("/lq/gst-strip/silence", test_silence);
  g_test_add_func ("/lq/gst-strip/bypass", test_bypass);
  g_test_add_func ("/lq/gst-strip/controller", test_controller);
  g_test_add_func ("/lq/gst-strip/launch-line", test_launch_line);

  return g_test_run ();
}
