/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqcompressor, lqmultiband and lqimager as elements: their property names (the ones issue 3
 * lists, child properties included), GstHarness runs against closed forms, latency and
 * alignment, controllers on child properties, the NaN safety net, and a real gst-launch-1.0
 * line through all three. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-elements.h"
#include "lq-synth.h"

#define RATE 48000
#define CAPS_STEREO "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) ", rate=(int)48000, channels=(int)2, layout=(string)interleaved"

static double
db (double x)
{
  return 20.0 * log10 (x);
}

static double
expected_curve (double t, double r, double w, double x)
{
  if (2.0 * (x - t) < -w)
    return x;
  if (2.0 * fabs (x - t) <= w && w > 0.0)
    return x + (1.0 / r - 1.0) * pow (x - t + w / 2.0, 2.0) / (2.0 * w);
  return t + (x - t) / r;
}

/* Runs `frames` stereo frames through the launch description `desc` in buffers of `block`
 * frames, then EOS; returns the output (exactly `frames` frames: latency is compensated). */
static float *
run_element (const char *desc, const float *in, gsize frames, gsize block)
{
  GstHarness *h = gst_harness_new_parse (desc);
  float *out = g_new0 (float, frames * 2);
  gsize got = 0;
  GstBuffer *buf;

  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  for (gsize done = 0; done < frames; done += block)
    {
      gsize n = MIN (block, frames - done);
      GstBuffer *b = gst_buffer_new_memdup (in + done * 2, n * 2 * sizeof (float));

      GST_BUFFER_PTS (b) = gst_util_uint64_scale_int_round (done, GST_SECOND, RATE);
      GST_BUFFER_DURATION (b) = gst_util_uint64_scale_int_round (n, GST_SECOND, RATE);
      g_assert_cmpint (gst_harness_push (h, b), ==, GST_FLOW_OK);
    }
  g_assert_true (gst_harness_push_event (h, gst_event_new_eos ()));
  while ((buf = gst_harness_try_pull (h)) != NULL)
    {
      gsize size = gst_buffer_get_size (buf);

      g_assert_cmpuint (got * 2 * sizeof (float) + size, <=, frames * 2 * sizeof (float));
      gst_buffer_extract (buf, 0, out + got * 2, size);
      got += size / (2 * sizeof (float));
      gst_buffer_unref (buf);
    }
  g_assert_cmpuint (got, ==, frames);
  gst_harness_teardown (h);
  return out;
}

static void
assert_property (GObject *obj, const char *name, GType type)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (obj), name);

  if (pspec == NULL)
    g_error ("%s has no property \"%s\"", G_OBJECT_TYPE_NAME (obj), name);
  g_assert_true (g_type_is_a (pspec->value_type, type));
  g_assert_true (pspec->flags & G_PARAM_WRITABLE);
}

static void
test_property_names (void)
{
  static const char *comp_doubles[] = { "threshold", "ratio", "knee", "attack", "release",
                                        "makeup", "sidechain-hpf", "link", "mix", "lookahead" };
  static const char *band_doubles[] = { "threshold", "ratio", "attack", "release", "makeup" };
  GstElement *comp = gst_element_factory_make ("lqcompressor", NULL);
  GstElement *mb = gst_element_factory_make ("lqmultiband", NULL);
  GstElement *im = gst_element_factory_make ("lqimager", NULL);

  g_assert_nonnull (comp);
  g_assert_nonnull (mb);
  g_assert_nonnull (im);

  for (guint i = 0; i < G_N_ELEMENTS (comp_doubles); i++)
    assert_property (G_OBJECT (comp), comp_doubles[i], G_TYPE_DOUBLE);
  assert_property (G_OBJECT (comp), "auto-release", G_TYPE_BOOLEAN);
  assert_property (G_OBJECT (comp), "detector", G_TYPE_ENUM);
  /* The detector's nicks are what users type. */
  gst_util_set_object_arg (G_OBJECT (comp), "detector", "rms");
  {
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (comp), "detector");
    GEnumClass *ec = g_type_class_ref (pspec->value_type);
    int det;

    g_assert_nonnull (g_enum_get_value_by_nick (ec, "peak"));
    g_assert_nonnull (g_enum_get_value_by_nick (ec, "rms"));
    g_object_get (comp, "detector", &det, NULL);
    g_assert_cmpint (det, ==, g_enum_get_value_by_nick (ec, "rms")->value);
    g_type_class_unref (ec);
  }

  for (GstElement **e = (GstElement *[]) { comp, mb, im, NULL }; *e != NULL; e++)
    assert_property (G_OBJECT (*e), "bypass", G_TYPE_BOOLEAN);

  assert_property (G_OBJECT (mb), "num-bands", G_TYPE_UINT);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("xover%u", i);
      assert_property (G_OBJECT (mb), name, G_TYPE_DOUBLE);
    }
  g_assert_true (GST_IS_CHILD_PROXY (mb));
  g_assert_cmpuint (gst_child_proxy_get_children_count (GST_CHILD_PROXY (mb)), ==, 4);
  for (guint b = 0; b < 4; b++)
    {
      g_autofree char *name = g_strdup_printf ("band%u", b);
      g_autoptr(GObject) band = gst_child_proxy_get_child_by_name (GST_CHILD_PROXY (mb), name);

      g_assert_nonnull (band);
      for (guint i = 0; i < G_N_ELEMENTS (band_doubles); i++)
        assert_property (band, band_doubles[i], G_TYPE_DOUBLE);
      assert_property (band, "solo", G_TYPE_BOOLEAN);
      assert_property (band, "bypass", G_TYPE_BOOLEAN);
    }
  /* The launch-line syntax reaches the bands. */
  {
    double t;
    gboolean solo;

    gst_child_proxy_set (GST_CHILD_PROXY (mb), "band2::threshold", -33.0, "band1::solo", TRUE, NULL);
    gst_child_proxy_get (GST_CHILD_PROXY (mb), "band2::threshold", &t, "band1::solo", &solo, NULL);
    g_assert_cmpfloat (t, ==, -33.0);
    g_assert_true (solo);
  }

  assert_property (G_OBJECT (im), "num-bands", G_TYPE_UINT);
  assert_property (G_OBJECT (im), "xover0", G_TYPE_DOUBLE);
  assert_property (G_OBJECT (im), "xover1", G_TYPE_DOUBLE);
  assert_property (G_OBJECT (im), "mono-below", G_TYPE_DOUBLE);
  assert_property (G_OBJECT (im), "balance", G_TYPE_DOUBLE);
  g_assert_cmpuint (gst_child_proxy_get_children_count (GST_CHILD_PROXY (im)), ==, 3);
  for (guint b = 0; b < 3; b++)
    {
      g_autofree char *name = g_strdup_printf ("band%u", b);
      g_autoptr(GObject) band = gst_child_proxy_get_child_by_name (GST_CHILD_PROXY (im), name);

      g_assert_nonnull (band);
      assert_property (band, "width", G_TYPE_DOUBLE);
    }

  g_assert_finalize_object (comp);
  g_assert_finalize_object (mb);
  g_assert_finalize_object (im);
}

static void
test_compressor_curve (void)
{
  gsize frames = RATE, tail = RATE / 4;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  double amp = 0.5, lvl = db (amp), got, expect;

  lq_synth_sine (in, frames, 2, RATE, 1000.0, amp, 0.0);
  out = run_element ("lqcompressor threshold=-20 ratio=4 knee=0 makeup=3 release=300", in, frames, 1024);
  got = 0.0;
  for (gsize i = frames - tail; i < frames; i++)
    got += (double) out[2 * i] * out[2 * i];
  got = db (sqrt (2.0 * got / tail));
  expect = expected_curve (-20, 4, 0, lvl) + 3.0;
  g_test_message ("lqcompressor: %.2f dBFS in, %.3f dBFS out, curve %.3f", lvl, got, expect);
  g_assert_cmpfloat (fabs (got - expect), <, 0.05);
}

static void
test_compressor_lookahead_alignment (void)
{
  gsize frames = RATE * 2;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  GstElement *e = gst_element_factory_make ("lqcompressor", NULL);
  GstHarness *h;
  GstQuery *q;
  GstClockTime min, max;
  gboolean live;

  /* Below the threshold the output is the input, bit for bit, despite 5 ms of lookahead:
   * latency compensated, nothing lost at the end. */
  lq_synth_demo_render (0, RATE, in, frames);
  for (gsize i = 0; i < frames * 2; i++)
    in[i] *= 0.1f;
  out = run_element ("lqcompressor threshold=-10 lookahead=5", in, frames, 1000);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), in, frames * 2 * sizeof (float));

  /* The LATENCY query reports the lookahead. */
  g_object_set (e, "lookahead", 5.0, NULL);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  gst_harness_push (h, gst_buffer_new_allocate (NULL, 4096 * 2 * sizeof (float), NULL));
  q = gst_query_new_latency ();
  g_assert_true (gst_pad_peer_query (h->sinkpad, q));
  gst_query_parse_latency (q, &live, &min, &max);
  g_test_message ("lookahead 5 ms: latency %" GST_TIME_FORMAT, GST_TIME_ARGS (min));
  g_assert_cmpuint (min, ==, gst_util_uint64_scale_int_round (240, GST_SECOND, RATE));
  gst_query_unref (q);
  gst_harness_teardown (h);
  gst_object_unref (e);
}

static void
test_multiband_flat_and_compressing (void)
{
  gsize frames = RATE, tail = RATE / 4;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  double amp = 0.25, a_out = 0.0;

  /* Every band above the signal: the sum of the bands is the input (through an allpass). */
  lq_synth_sine (in, frames, 2, RATE, 997.0, amp, 0.0);
  out = run_element ("lqmultiband num-bands=4 band0::threshold=0 band1::threshold=0 "
                     "band2::threshold=0 band3::threshold=0", in, frames, 512);
  for (gsize i = frames - tail; i < frames; i++)
    a_out += (double) out[2 * i + 1] * out[2 * i + 1];
  a_out = sqrt (2.0 * a_out / tail);
  g_test_message ("lqmultiband at unity: %.5f out for %.5f in", a_out, amp);
  g_assert_cmpfloat (fabs (db (a_out / amp)), <, 0.01);
  g_free (out);

  /* A 4 kHz tone in band 2 (above 1 kHz here), compressed there only. */
  lq_synth_sine (in, frames, 2, RATE, 4000.0, amp, 0.0);
  out = run_element ("lqmultiband num-bands=3 xover0=200 xover1=1000 band2::threshold=-30 "
                     "band2::ratio=5 band0::threshold=-60 band0::ratio=10", in, frames, 512);
  a_out = 0.0;
  for (gsize i = frames - tail; i < frames; i++)
    a_out += (double) out[2 * i] * out[2 * i];
  a_out = sqrt (2.0 * a_out / tail);
  {
    /* Band 2 is HP4 (200) HP4 (1000) of the tone; the knee is 6 dB wide. */
    double w0 = tan (G_PI * 200.0 / RATE) / tan (G_PI * 4000.0 / RATE);
    double w1 = tan (G_PI * 1000.0 / RATE) / tan (G_PI * 4000.0 / RATE);
    double h2 = 1.0 / (1.0 + pow (w0, 4)) / (1.0 + pow (w1, 4));
    double lvl = db (amp * h2);
    double expect = amp * (1.0 - h2) + amp * h2 * pow (10.0, (expected_curve (-30, 5, 6, lvl) - lvl) / 20.0);
    g_test_message ("lqmultiband, 4 kHz in band 2 at %.2f dB: %.4f out, expected %.4f (%.3f dB)",
                    lvl, a_out, expect, db (a_out / expect));
    /* Sample-peak detection of a 4 kHz tone at 48 kHz reads up to 0.3 dB low. */
    g_assert_cmpfloat (fabs (db (a_out / expect)), <, 0.3);
    g_assert_cmpfloat (db (a_out / amp), <, -10.0);
  }
}

static void
test_imager (void)
{
  gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;

  lq_synth_demo_render (2, RATE, in, frames);
  /* Defaults: bit-transparent. */
  out = run_element ("lqimager", in, frames, 777);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), in, frames * 2 * sizeof (float));
  g_free (out);
  /* Width 0 in all bands: L == R (after the 20 ms fade-in of the effect). */
  out = run_element ("lqimager num-bands=3 band0::width=0 band1::width=0 band2::width=0", in,
                     frames, 777);
  for (gsize i = RATE / 20; i < frames; i++)
    g_assert_cmpfloat (out[2 * i], ==, out[2 * i + 1]);
  g_free (out);
  /* Balance fully left: R silent. */
  out = run_element ("lqimager balance=-1", in, frames, 777);
  for (gsize i = RATE / 20; i < frames; i++)
    g_assert_cmpfloat (out[2 * i + 1], ==, 0.0f);
}

static void
test_child_controller (void)
{
  GstElement *e = gst_element_factory_make ("lqimager", NULL);
  GstHarness *h;
  g_autoptr(GObject) band = gst_child_proxy_get_child_by_name (GST_CHILD_PROXY (e), "band0");
  GstControlSource *cs = gst_interpolation_control_source_new ();
  gsize frames = RATE / 10;
  g_autofree float *buf = g_new0 (float, frames * 2);
  double width;

  /* Width, a child property, driven by a controller: 0.25 at 0 s, 1.75 at 1 s (the control
   * value is the property's range 0..2 mapped to 0..1). */
  g_object_set (cs, "mode", GST_INTERPOLATION_MODE_LINEAR, NULL);
  gst_timed_value_control_source_set (GST_TIMED_VALUE_CONTROL_SOURCE (cs), 0, 0.125);
  gst_timed_value_control_source_set (GST_TIMED_VALUE_CONTROL_SOURCE (cs), GST_SECOND, 0.875);
  gst_object_add_control_binding (GST_OBJECT (band), gst_direct_control_binding_new (GST_OBJECT (band), "width", cs));
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  for (guint k = 0; k < 4; k++)
    {
      GstBuffer *b = gst_buffer_new_memdup (buf, frames * 2 * sizeof (float));
      GST_BUFFER_PTS (b) = k * GST_SECOND / 10;
      gst_harness_push (h, b);
    }
  g_object_get (band, "width", &width, NULL);
  /* The last buffer starts at 0.3 s (the default width would read 1). */
  g_test_message ("band0::width at 0.3 s under control: %.3f", width);
  g_assert_cmpfloat_with_epsilon (width, 0.25 + 1.5 * 0.3, 1e-6);
  gst_harness_teardown (h);
  gst_object_unref (cs);
  gst_object_unref (e);
}

static void
test_nonfinite (void)
{
  static const char *descs[] = { "lqcompressor threshold=-30 lookahead=3", "lqmultiband",
                                 "lqimager band0::width=1.5 mono-below=80" };
  gsize frames = RATE / 2;
  g_autofree float *in = g_new (float, frames * 2);

  lq_synth_demo_render (1, RATE, in, frames);
  in[100] = NAN;
  in[5001] = INFINITY;
  in[9000] = -INFINITY;
  for (guint k = 0; k < G_N_ELEMENTS (descs); k++)
    {
      g_autofree float *out = run_element (descs[k], in, frames, 1024);

      for (gsize i = 0; i < frames * 2; i++)
        {
          g_assert_true (isfinite (out[i]));
          g_assert_cmpfloat (fabsf (out[i]), <, 3.0f);
        }
    }
}

/* ---- a real gst-launch-1.0 ---- */

/* Reads the stereo float WAV wavenc wrote; returns the frames. */
static float *
read_wav (const char *path, gsize *frames)
{
  LqTestWav wav;
  float *x = lq_test_read_float_wav (path, &wav);

  g_assert_cmpuint (wav.channels, ==, 2);
  g_assert_cmpuint (wav.rate, ==, RATE);
  *frames = wav.frames;
  return x;
}

static void
launch (const char *chain, const char *in_path, const char *out_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *registry = g_build_filename (g_get_tmp_dir (), "lq-test-dynamics-registry.bin", NULL);
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) env = g_get_environ ();
  int status;

  cmd = g_strdup_printf ("gst-launch-1.0 -q filesrc location=%s ! wavparse ! audioconvert ! "
                         "audio/x-raw,format=F32LE ! %s ! audioconvert ! audio/x-raw,format=F32LE ! "
                         "wavenc ! filesink location=%s",
                         in_path, chain, out_path);
  g_test_message ("%s", cmd);
  g_assert_true (g_shell_parse_argv (cmd, NULL, &argv, NULL));
  env = g_environ_setenv (env, "GST_PLUGIN_PATH", LQ_PLUGIN_DIR, TRUE);
  env = g_environ_setenv (env, "GST_REGISTRY", registry, TRUE);
  if (*LQ_ASAN_PRELOAD != '\0')
    {
      env = g_environ_setenv (env, "LD_PRELOAD", LQ_ASAN_PRELOAD, TRUE);
      env = g_environ_setenv (env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    }
  g_assert_true (g_spawn_sync (NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gst-launch-1.0 failed: %s%s", out, err);
}

static void
test_gst_launch (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-dynamics-XXXXXX", NULL);
  g_autofree char *in_path = g_build_filename (dir, "in.wav", NULL);
  g_autofree char *out_path = g_build_filename (dir, "out.wav", NULL);
  gsize frames = lq_synth_demo_frames (1, RATE) / 4, n;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  double e_in = 0.0, e_out = 0.0, peak = 0.0;

  lq_synth_demo_render (1, RATE, in, frames);
  lq_test_write_float_wav (in_path, in, frames, 2, RATE);

  /* All three, doing real work. */
  launch ("lqcompressor threshold=-24 ratio=3 knee=6 attack=5 release=120 auto-release=true "
          "sidechain-hpf=60 detector=rms link=0.8 mix=0.8 lookahead=2 ! "
          "lqmultiband num-bands=3 xover0=150 xover1=3000 band0::threshold=-26 band0::ratio=2 "
          "band2::threshold=-30 band2::makeup=1 ! "
          "lqimager num-bands=2 xover0=300 band1::width=1.3 mono-below=100 balance=0.1",
          in_path, out_path);
  out = read_wav (out_path, &n);
  /* Latency compensated and drained: as many frames as went in. */
  g_assert_cmpuint (n, ==, frames);
  for (gsize i = 0; i < frames * 2; i++)
    {
      g_assert_true (isfinite (out[i]));
      e_in += (double) in[i] * in[i];
      e_out += (double) out[i] * out[i];
      peak = MAX (peak, fabsf (out[i]));
    }
  g_test_message ("through all three: %.2f dB of level change, output peak %.3f",
                  10.0 * log10 (e_out / e_in), peak);
  g_assert_cmpfloat (10.0 * log10 (e_out / e_in), <, -1.0);
  g_assert_cmpfloat (peak, <, 1.0);
  g_free (out);

  /* At settings that change nothing, the chain is bit-transparent end to end (the
   * compressor's lookahead compensated exactly, the imager skipping itself). */
  launch ("lqcompressor threshold=0 knee=0 lookahead=5 ! lqimager", in_path, out_path);
  out = read_wav (out_path, &n);
  g_assert_cmpuint (n, ==, frames);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), in, frames * 2 * sizeof (float));

  g_unlink (in_path);
  g_unlink (out_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/gst/dynamics/property-names", test_property_names);
  g_test_add_func ("/lq/gst/dynamics/compressor-curve", test_compressor_curve);
  g_test_add_func ("/lq/gst/dynamics/compressor-lookahead-alignment", test_compressor_lookahead_alignment);
  g_test_add_func ("/lq/gst/dynamics/multiband", test_multiband_flat_and_compressing);
  g_test_add_func ("/lq/gst/dynamics/imager", test_imager);
  g_test_add_func ("/lq/gst/dynamics/child-controller", test_child_controller);
  g_test_add_func ("/lq/gst/dynamics/nonfinite", test_nonfinite);
  g_test_add_func ("/lq/gst/dynamics/gst-launch", test_gst_launch);

  return g_test_run ();
}
