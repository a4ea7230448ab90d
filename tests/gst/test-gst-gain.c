/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqgain through GstHarness: fades land on the stream positions given by the buffer
 * timestamps (also after a seek), against the closed-form curves written out here. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-elements.h"
#include "lq-gst-gain.h"
#include "lq-synth.h"

#define RATE 44100
#define CAPS_FMT "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) ", rate=(int)44100, "
#define CAPS_STEREO CAPS_FMT "channels=(int)2, layout=(string)interleaved"
#define CAPS_MONO CAPS_FMT "channels=(int)1, layout=(string)interleaved"

static double
expected_curve (int curve, double x)
{
  double r = pow (10.0, -3.0); /* -60 dB */

  if (x <= 0.0)
    return 0.0;
  if (x >= 1.0)
    return 1.0;
  switch (curve)
    {
    case 0: return x;
    case 1: return sin (x * G_PI / 2.0);
    case 2: return (pow (r, 1.0 - x) - r) / (1.0 - r);
    case 3: return (1.0 - cos (x * G_PI)) / 2.0;
    default: g_assert_not_reached ();
    }
}

static GstBuffer *
make_buffer (const float *data, gsize frames, guint channels, guint64 first_frame)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, frames * channels * sizeof (float));

  GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int_round (first_frame, GST_SECOND, RATE);
  GST_BUFFER_DURATION (buf) =
    gst_util_uint64_scale_int_round (first_frame + frames, GST_SECOND, RATE) - GST_BUFFER_PTS (buf);
  return buf;
}

/* Pushes `frames` frames of `in` from stream frame `first` in buffers of `block` frames and
 * collects the output into `out`. */
static void
push_and_pull (GstHarness *h, const float *in, float *out, gsize frames, guint channels,
               guint64 first, gsize block)
{
  gsize got = 0;

  for (gsize done = 0; done < frames; done += block)
    {
      gsize n = MIN (block, frames - done);
      g_assert_cmpint (
          gst_harness_push (h, make_buffer (in + done * channels, n, channels, first + done)), ==,
          GST_FLOW_OK);
    }
  while (got < frames)
    {
      GstBuffer *buf = gst_harness_pull (h);
      gsize size = gst_buffer_get_size (buf);

      g_assert_cmpuint (got * channels * sizeof (float) + size, <=,
                        frames * channels * sizeof (float));
      gst_buffer_extract (buf, 0, out + got * channels, size);
      got += size / (channels * sizeof (float));
      gst_buffer_unref (buf);
    }
}

static void
test_properties (void)
{
  GstElement *e = gst_element_factory_make ("lqgain", NULL);
  GParamSpec *pspec;
  double gain;
  gint64 len;
  int curve;

  g_assert_nonnull (e);
  g_object_get (e, "gain", &gain, "fade-in-length", &len, "fade-out-curve", &curve, NULL);
  g_assert_cmpfloat (gain, ==, 0.0);
  g_assert_cmpint (len, ==, 0);
  g_assert_cmpint (curve, ==, LQ_GST_FADE_CURVE_EQUAL_POWER);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e), "gain");
  g_assert_true (pspec->flags & GST_PARAM_CONTROLLABLE);
  for (const char **p
       = (const char *[]){ "bypass", "fade-in-start", "fade-in-length", "fade-in-curve",
                           "fade-out-start", "fade-out-length", "fade-out-curve", NULL };
       *p; p++)
    g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (e), *p));

  /* The curve nicks users type. */
  gst_util_set_object_arg (G_OBJECT (e), "fade-in-curve", "s-curve");
  gst_util_set_object_arg (G_OBJECT (e), "fade-out-curve", "logarithmic");
  g_object_get (e, "fade-in-curve", &curve, NULL);
  g_assert_cmpint (curve, ==, LQ_FADE_S_CURVE);
  g_object_get (e, "fade-out-curve", &curve, NULL);
  g_assert_cmpint (curve, ==, LQ_FADE_LOGARITHMIC);
  gst_util_set_object_arg (G_OBJECT (e), "fade-in-curve", "equal-power");
  gst_util_set_object_arg (G_OBJECT (e), "fade-out-curve", "linear");
  g_object_get (e, "fade-in-curve", &curve, NULL);
  g_assert_cmpint (curve, ==, LQ_FADE_EQUAL_POWER);
  g_object_get (e, "fade-out-curve", &curve, NULL);
  g_assert_cmpint (curve, ==, LQ_FADE_LINEAR);

  gst_object_unref (e);
}

static void
test_fades_sample_exact (void)
{
  /* Fade-in from 1000 over 3001 samples and fade-out from 20000 over 10007, buffers of 441
   * frames: every output sample is the closed form at its stream position. */
  const gsize frames = 32000;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);

  for (int c = 0; c < 4; c++)
    {
      GstHarness *h = gst_harness_new ("lqgain");

      for (gsize i = 0; i < frames * 2; i++)
        in[i] = 0.75f;
      g_object_set (h->element, "fade-in-start", (gint64) 1000, "fade-in-length", (gint64) 3001,
                    "fade-in-curve", c, "fade-out-start", (gint64) 20000, "fade-out-length",
                    (gint64) 10007, "fade-out-curve", c, NULL);
      gst_harness_set_src_caps_str (h, CAPS_STEREO);
      push_and_pull (h, in, out, frames, 2, 0, 441);
      for (gsize i = 0; i < frames; i++)
        {
          double e = 0.75 * expected_curve (c, (i - 1000.0) / 3001.0)
                     * expected_curve (c, 1.0 - (i - 20000.0) / 10007.0);
          g_assert_cmpfloat_with_epsilon (out[2 * i], e, 1e-7);
          g_assert_cmpfloat (out[2 * i + 1], ==, out[2 * i]);
        }
      g_assert_cmpfloat (out[2 * 1000], ==, 0.0f);
      g_assert_cmpfloat (out[2 * 4001], ==, 0.75f);
      g_assert_cmpfloat (out[2 * 20000], ==, 0.75f);
      g_assert_cmpfloat (out[2 * 30006], >, 0.0f);
      g_assert_cmpfloat (out[2 * 30007], ==, 0.0f);
      gst_harness_teardown (h);
    }
}

static void
test_seek_resumes_fade (void)
{
  /* After a seek to 2 s (a new segment), the fade-out is at the gain of stream position
   * 88200 + n, not restarted from 0. Then a segment whose stream time differs from its
   * running time (time = 1 s at buffer timestamp 0) maps to stream position 44100 + n. */
  const gsize frames = 8820;
  g_autofree float *in = g_new (float, frames);
  g_autofree float *out = g_new (float, frames);
  GstHarness *h = gst_harness_new ("lqgain");
  GstSegment seg;

  for (gsize i = 0; i < frames; i++)
    in[i] = 1.0f;
  g_object_set (h->element, "fade-out-start", (gint64) 44100, "fade-out-length", (gint64) 88200,
                "fade-out-curve", LQ_GST_FADE_CURVE_LINEAR, NULL);
  gst_harness_set_src_caps_str (h, CAPS_MONO);

  push_and_pull (h, in, out, frames, 1, 0, 1024);
  for (gsize i = 0; i < frames; i++)
    g_assert_cmpfloat (out[i], ==, 1.0f);

  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 2 * GST_SECOND;
  seg.time = 2 * GST_SECOND;
  seg.position = seg.start;
  g_assert_true (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  push_and_pull (h, in, out, frames, 1, 2 * RATE, 1000);
  for (gsize i = 0; i < frames; i++)
    g_assert_cmpfloat_with_epsilon (out[i], 1.0 - (88200.0 + i - 44100.0) / 88200.0, 1e-7);

  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.time = GST_SECOND;
  g_assert_true (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  push_and_pull (h, in, out, frames, 1, 0, 777);
  for (gsize i = 0; i < frames; i++)
    g_assert_cmpfloat_with_epsilon (out[i], 1.0 - (44100.0 + i - 44100.0) / 88200.0, 1e-7);

  gst_harness_teardown (h);
}

static void
test_unity_transparent (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = gst_harness_new ("lqgain");

  lq_synth_demo_render (2, RATE, in, frames);
  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  push_and_pull (h, in, out, frames, 2, 0, 1000);
  g_assert_cmpmem (in, frames * 2 * sizeof (float), out, frames * 2 * sizeof (float));
  gst_harness_teardown (h);
}

static void
test_gain_change_no_click (void)
{
  /* -1 dBFS 997 Hz sine; the gain jumps to -24 dB between two buffers: the output's largest
   * sample-to-sample step is no larger than the input's own. */
  const gsize frames = RATE / 2;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = gst_harness_new ("lqgain");
  double step_in = 0.0, step_out = 0.0, target = pow (10.0, -24.0 / 20.0);

  lq_synth_sine (in, frames, 2, RATE, 997.0, 0.89, 0.0);
  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  push_and_pull (h, in, out, 4410, 2, 0, 4410);
  g_object_set (h->element, "gain", -24.0, NULL);
  push_and_pull (h, in + 4410 * 2, out + 4410 * 2, frames - 4410, 2, 4410, 4410);
  for (gsize i = 1; i < frames; i++)
    {
      step_in = MAX (step_in, fabs (in[2 * i] - in[2 * i - 2]));
      step_out = MAX (step_out, fabs (out[2 * i] - out[2 * i - 2]));
    }
  g_assert_cmpfloat (step_out, <=, step_in * 1.001);
  /* And it arrives: after 100 ms the gain is the target. */
  for (gsize i = 4410 * 2; i < frames; i++)
    g_assert_cmpfloat_with_epsilon (out[2 * i], in[2 * i] * target, 1e-6);
  gst_harness_teardown (h);
}

static void
test_api_sets_whole_fade (void)
{
  GstElement *e = gst_element_factory_make ("lqgain", NULL);
  gint64 start, length;
  int curve;

  lq_gst_gain_set_fade_out (LQ_GST_GAIN (e), 123, 456, LQ_GST_FADE_CURVE_S_CURVE);
  g_object_get (e, "fade-out-start", &start, "fade-out-length", &length, "fade-out-curve", &curve,
                NULL);
  g_assert_cmpint (start, ==, 123);
  g_assert_cmpint (length, ==, 456);
  g_assert_cmpint (curve, ==, LQ_GST_FADE_CURVE_S_CURVE);
  lq_gst_gain_set_fade_in (LQ_GST_GAIN (e), 7, 8, LQ_GST_FADE_CURVE_LOGARITHMIC);
  g_object_get (e, "fade-in-start", &start, "fade-in-length", &length, "fade-in-curve", &curve,
                NULL);
  g_assert_cmpint (start, ==, 7);
  g_assert_cmpint (length, ==, 8);
  g_assert_cmpint (curve, ==, LQ_GST_FADE_CURVE_LOGARITHMIC);
  gst_object_unref (e);
}

static void
test_non_finite_and_silence (void)
{
  const gsize frames = 4096;
  g_autofree float *in = g_new0 (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  GstHarness *h = gst_harness_new ("lqgain");

  g_object_set (h->element, "gain", 6.0, "fade-in-length", (gint64) 1000, NULL);
  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  /* Silence in, silence out (also during the fade). */
  push_and_pull (h, in, out, frames, 2, 0, 512);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);

  /* NaN and Inf come out as 0 and do not touch their neighbours or later samples. */
  for (gsize i = 0; i < frames * 2; i++)
    in[i] = 0.25f;
  in[10] = NAN;
  in[11] = INFINITY;
  push_and_pull (h, in, out, frames, 2, frames, 512);
  for (gsize i = 0; i < frames * 2; i++)
    {
      if (i == 10 || i == 11)
        g_assert_cmpfloat (out[i], ==, 0.0f);
      else
        g_assert_cmpfloat_with_epsilon (out[i], 0.25 * pow (10.0, 6.0 / 20.0), 1e-6);
    }
  gst_harness_teardown (h);
}

static void
test_launch_line (void)
{
  g_autoptr(GError) error = NULL;
  GstElement *pipeline
      = gst_parse_launch ("audiotestsrc num-buffers=20 samplesperbuffer=441 ! "
                          "audio/x-raw,rate=44100,channels=2 ! audioconvert ! "
                          "lqgain gain=-3 fade-in-length=2205 fade-in-curve=s-curve "
                          "fade-out-start=4410 fade-out-length=4410 "
                          "fade-out-curve=logarithmic ! fakesink",
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

  g_test_add_func ("/lq/gst-gain/properties", test_properties);
  g_test_add_func ("/lq/gst-gain/fades-sample-exact", test_fades_sample_exact);
  g_test_add_func ("/lq/gst-gain/seek-resumes-fade", test_seek_resumes_fade);
  g_test_add_func ("/lq/gst-gain/unity-transparent", test_unity_transparent);
  g_test_add_func ("/lq/gst-gain/gain-change-no-click", test_gain_change_no_click);
  g_test_add_func ("/lq/gst-gain/api-sets-whole-fade", test_api_sets_whole_fade);
  g_test_add_func ("/lq/gst-gain/non-finite-and-silence", test_non_finite_and_silence);
  g_test_add_func ("/lq/gst-gain/launch-line", test_launch_line);

  return g_test_run ();
}
