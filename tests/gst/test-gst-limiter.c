/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqlimiter as an element: its property names (issue 3's), GstHarness runs compared with the
 * kernel and measured with libebur128, the LATENCY query, bypass, gain-reduction, and a real
 * gst-launch-1.0 line (filesrc ! wavparse ! audioconvert ! lqlimiter ! lqdither bits=16 !
 * audioconvert ! wavenc ! filesink) on a demo track written by lacquer-cli. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-dither.h"
#include "lq-elements.h"
#include "lq-limiter.h"
#include "lq-synth.h"

#define RATE 48000
#define CAPS_STEREO "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) ", rate=(int)48000, channels=(int)2, layout=(string)interleaved"

static double
true_peak (const float *x, gsize frames, guint rate)
{
  ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_TRUE_PEAK);
  double p0, p1;

  g_assert_cmpint (ebur128_add_frames_float (st, x, frames), ==, EBUR128_SUCCESS);
  ebur128_true_peak (st, 0, &p0);
  ebur128_true_peak (st, 1, &p1);
  ebur128_destroy (&st);
  return MAX (p0, p1);
}

/* The kernel alone on the same input: latency drained and trimmed. */
static float *
kernel_output (const float *in, gsize frames, guint rate, double drive, double ceiling)
{
  LqLimiter *lim = lq_limiter_new (rate, 2);
  gsize latency, total;
  float *buf, *out;

  lq_limiter_set_drive (lim, drive);
  lq_limiter_set_ceiling (lim, ceiling);
  lq_limiter_reset (lim);
  latency = lq_limiter_get_latency (lim);
  total = frames + latency;
  buf = g_new0 (float, total * 2);
  memcpy (buf, in, frames * 2 * sizeof (float));
  lq_limiter_process (lim, buf, total);
  out = g_memdup2 (buf + latency * 2, frames * 2 * sizeof (float));
  g_free (buf);
  lq_limiter_free (lim);
  return out;
}

/* Runs `frames` stereo frames through `desc` in buffers of `block` frames, then EOS; returns
 * the output, which must be exactly `frames` long. */
static float *
run_element (GstHarness *h, const float *in, gsize frames, gsize block)
{
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
  return out;
}

static void
assert_double_prop (GObjectClass *klass, const char *name, double min, double max, double def, gboolean controllable)
{
  GParamSpec *pspec = g_object_class_find_property (klass, name);
  GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE (pspec);

  g_assert_nonnull (pspec);
  g_assert_cmpfloat (d->minimum, ==, min);
  g_assert_cmpfloat (d->maximum, ==, max);
  g_assert_cmpfloat (d->default_value, ==, def);
  g_assert_cmpint (!!(pspec->flags & GST_PARAM_CONTROLLABLE), ==, controllable);
  g_assert_true (pspec->flags & G_PARAM_WRITABLE);
}

static void
test_properties (void)
{
  g_autoptr(GstElement) e = gst_element_factory_make ("lqlimiter", NULL);
  GObjectClass *klass;
  GParamSpec *pspec;

  g_assert_nonnull (e);
  klass = G_OBJECT_GET_CLASS (e);
  assert_double_prop (klass, "ceiling", -24.0, 0.0, -1.0, TRUE);
  assert_double_prop (klass, "drive", -12.0, 24.0, 0.0, TRUE);
  assert_double_prop (klass, "lookahead", 0.5, 10.0, 1.5, FALSE);
  assert_double_prop (klass, "release", 5.0, 2000.0, 100.0, TRUE);
  pspec = g_object_class_find_property (klass, "true-peak");
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  g_assert_true (G_PARAM_SPEC_BOOLEAN (pspec)->default_value);
  pspec = g_object_class_find_property (klass, "bypass");
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  pspec = g_object_class_find_property (klass, "gain-reduction");
  g_assert_true (G_IS_PARAM_SPEC_DOUBLE (pspec));
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
}

/* Music driven 12 dB into -1 dBTP, in buffers of odd sizes: as many frames out as in, equal to
 * the kernel's output bit for bit, the true peak held (libebur128), gain-reduction reported. */
static void
test_harness (void)
{
  const gsize frames = RATE * 4;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  g_autofree float *ref = NULL;
  GstHarness *h = gst_harness_new ("lqlimiter");
  double gr, tp;

  lq_synth_demo_render (1, RATE, in, frames);
  g_object_set (h->element, "drive", 12.0, "ceiling", -1.0, NULL);
  out = run_element (h, in, frames, 1111);
  g_object_get (h->element, "gain-reduction", &gr, NULL);
  gst_harness_teardown (h);

  ref = kernel_output (in, frames, RATE, 12.0, -1.0);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), ref, frames * 2 * sizeof (float));
  tp = true_peak (out, frames, RATE);
  g_test_message ("true peak %.4f dBTP, last gain reduction %.2f dB", 20 * log10 (tp), gr);
  g_assert_cmpfloat (tp, <=, pow (10.0, -1.0 / 20.0));
  g_assert_cmpfloat (gr, >, 1.0);
}

/* The LATENCY query reports the kernel's latency, and follows the lookahead. */
static void
test_latency (void)
{
  const double lookaheads[] = { 1.5, 5.0 };

  for (guint i = 0; i < G_N_ELEMENTS (lookaheads); i++)
    {
      GstHarness *h = gst_harness_new ("lqlimiter");
      gsize frames = 4800;
      g_autofree float *in = g_new0 (float, frames * 2);
      g_autofree float *out = NULL;
      GstClockTime latency, expected;

      g_object_set (h->element, "lookahead", lookaheads[i], NULL);
      out = run_element (h, in, frames, 480);
      latency = gst_harness_query_latency (h);
      expected = gst_util_uint64_scale_int_round (lq_limiter_compute_latency (RATE, lookaheads[i]), GST_SECOND, RATE);
      g_test_message ("lookahead %.1f ms: latency %" GST_TIME_FORMAT, lookaheads[i], GST_TIME_ARGS (latency));
      g_assert_cmpuint (latency, ==, expected);
      gst_harness_teardown (h);
    }
}

/* bypass=true passes the input through untouched (same latency, compensated), even at settings
 * that would limit hard. */
static void
test_bypass (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  GstHarness *h = gst_harness_new ("lqlimiter");

  lq_synth_demo_render (3, RATE, in, frames);
  g_object_set (h->element, "drive", 12.0, "ceiling", -6.0, "bypass", TRUE, NULL);
  out = run_element (h, in, frames, 1024);
  gst_harness_teardown (h);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), in, frames * 2 * sizeof (float));
}

/* NaN/Inf input never reaches the output or poisons what follows. */
static void
test_nonfinite (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  GstHarness *h = gst_harness_new ("lqlimiter");

  lq_synth_demo_render (1, RATE, in, frames);
  in[5000] = NAN;
  in[5001] = INFINITY;
  in[20000] = -INFINITY;
  g_object_set (h->element, "drive", 6.0, NULL);
  out = run_element (h, in, frames, 960);
  gst_harness_teardown (h);
  for (gsize i = 0; i < frames * 2; i++)
    {
      g_assert_true (isfinite (out[i]));
      g_assert_cmpfloat (fabsf (out[i]), <=, (float) pow (10.0, -1.0 / 20.0));
    }
  g_assert_cmpfloat (out[5000], ==, 0.0f);
  g_assert_cmpfloat (out[20000], ==, 0.0f);
}

/* ---- a real gst-launch-1.0 ---- */

static void
spawn_ok (char **argv, char **env)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
}

static void
test_gst_launch (void)
{
  const char *cli = g_getenv ("LACQUER_CLI");
  g_autofree char *dir = g_dir_make_tmp ("lq-limiter-XXXXXX", NULL);
  g_autofree char *in_path = g_build_filename (dir, "02 Copper Wire.wav", NULL);
  g_autofree char *out_path = g_build_filename (dir, "out.wav", NULL);
  g_autofree char *registry = g_build_filename (g_get_tmp_dir (), "lq-test-limiter-registry.bin", NULL);
  g_autofree char *cmd = NULL;
  g_autofree gint32 *pcm_in = NULL;
  g_autofree gint32 *pcm_out = NULL;
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  g_autofree int16_t *codes = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) env = g_get_environ ();
  gsize frames_in, frames_out, latency, differ = 0;
  guint rate;
  LqTestWav wav_in, wav_out;
  LqLimiter *lim;
  LqDither *dither;
  char *demo_argv[] = { (char *) cli, "demo", dir, NULL };
  double tp;

  g_assert_nonnull (cli);
  spawn_ok (demo_argv, NULL);
  pcm_in = lq_test_read_pcm_wav (in_path, &wav_in);
  g_assert_cmpuint (wav_in.channels, ==, 2);
  g_assert_cmpuint (wav_in.bits, ==, 24);
  frames_in = wav_in.frames;
  rate = wav_in.rate;

  cmd = g_strdup_printf ("gst-launch-1.0 -q filesrc location=\"%s\" ! wavparse ! audioconvert ! "
                         "lqlimiter drive=12 ceiling=-1 ! lqdither bits=16 ! "
                         "audioconvert dithering=none ! audio/x-raw,format=S16LE ! wavenc ! "
                         "filesink location=\"%s\"",
                         in_path, out_path);
  g_test_message ("%s", cmd);
  g_assert_true (g_shell_parse_argv (cmd, NULL, &argv, NULL));
  env = g_environ_setenv (env, "GST_PLUGIN_PATH", LQ_PLUGIN_DIR, TRUE);
  env = g_environ_setenv (env, "GST_REGISTRY", registry, TRUE);
  if (*LQ_ASAN_PRELOAD != '\0')
    {
      env = g_environ_setenv (env, "LD_PRELOAD", LQ_ASAN_PRELOAD, TRUE);
      env = g_environ_setenv (env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    }
  spawn_ok (argv, env);

  pcm_out = lq_test_read_pcm_wav (out_path, &wav_out);
  g_assert_cmpuint (wav_out.channels, ==, 2);
  g_assert_cmpuint (wav_out.rate, ==, rate);
  g_assert_cmpuint (wav_out.bits, ==, 16);
  frames_out = wav_out.frames;
  /* Latency compensated and drained: not a sample lost or added. */
  g_assert_cmpuint (frames_out, ==, frames_in);

  /* The output's true peak, as libebur128 reads the 16-bit file. */
  y = g_new (float, frames_out * 2);
  for (gsize i = 0; i < frames_out * 2; i++)
    y[i] = pcm_out[i] / 32768.0f;
  tp = true_peak (y, frames_out, rate);
  g_test_message ("16-bit output: true peak %.4f dBTP", 20 * log10 (tp));
  g_assert_cmpfloat (tp, <=, pow (10.0, -1.0 / 20.0));

  /* The same kernels in-process give exactly the codes in the file: the elements are the
   * kernels, and the F32 codes survive audioconvert to S16 unchanged. */
  x = g_new0 (float, (frames_in + 8192) * 2);
  for (gsize i = 0; i < frames_in * 2; i++)
    x[i] = pcm_in[i] / 8388608.0f;
  lim = lq_limiter_new (rate, 2);
  lq_limiter_set_drive (lim, 12.0);
  lq_limiter_set_ceiling (lim, -1.0);
  lq_limiter_reset (lim);
  latency = lq_limiter_get_latency (lim);
  lq_limiter_process (lim, x, frames_in + latency);
  dither = lq_dither_new (rate, 2);
  codes = g_new (int16_t, frames_in * 2);
  lq_dither_process_s16 (dither, x + latency * 2, codes, frames_in);
  for (gsize i = 0; i < frames_in * 2; i++)
    differ += codes[i] != pcm_out[i];
  g_test_message ("%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " samples differ from the in-process kernels", differ, frames_in * 2);
  g_assert_cmpuint (differ, ==, 0);

  /* The line exactly as issue 3 writes it: audioconvert passes the F32 codes through and wavenc
   * writes a float WAV, whose samples are the same codes / 32768. */
  {
    g_autofree char *plain = g_strdup_printf ("gst-launch-1.0 -q filesrc location=\"%s\" ! wavparse ! "
                                              "audioconvert ! lqlimiter drive=12 ceiling=-1 ! "
                                              "lqdither bits=16 ! audioconvert ! wavenc ! "
                                              "filesink location=\"%s\"",
                                              in_path, out_path);
    g_auto(GStrv) plain_argv = NULL;
    g_autofree float *f = NULL;
    LqTestWav wav;
    gsize n;

    g_test_message ("%s", plain);
    g_assert_true (g_shell_parse_argv (plain, NULL, &plain_argv, NULL));
    spawn_ok (plain_argv, env);
    f = lq_test_read_float_wav (out_path, &wav);
    g_assert_cmpuint (wav.channels, ==, 2);
    n = wav.frames;
    g_assert_cmpuint (n, ==, frames_in);
    for (gsize i = 0; i < n * 2; i++)
      g_assert_cmpfloat ((double) f[i] * 32768.0, ==, (double) codes[i]);
  }
  lq_limiter_free (lim);
  lq_dither_free (dither);
  lq_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/gst/limiter/properties", test_properties);
  g_test_add_func ("/lq/gst/limiter/harness", test_harness);
  g_test_add_func ("/lq/gst/limiter/latency", test_latency);
  g_test_add_func ("/lq/gst/limiter/bypass", test_bypass);
  g_test_add_func ("/lq/gst/limiter/nonfinite", test_nonfinite);
  g_test_add_func ("/lq/gst/limiter/gst-launch", test_gst_launch);

  return g_test_run ();
}
