/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqspectrum and lqphase through GstHarness: the audio passes untouched, the messages come at
 * the interval with the right timestamps, and their values match closed forms computed here
 * (a bin-centred sine reads its level at its frequency; inverted channels correlate -1). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-elements.h"
#include "lq-synth.h"

#define RATE 48000
#define CAPS(ch) "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) ", rate=(int)48000, channels=(int)" #ch ", layout=(string)interleaved"

static GstBuffer *
make_buffer (const float *data, gsize frames, guint channels, guint64 first_frame)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, frames * channels * sizeof (float));

  GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int_round (first_frame, GST_SECOND, RATE);
  GST_BUFFER_DURATION (buf) =
    gst_util_uint64_scale_int_round (first_frame + frames, GST_SECOND, RATE) - GST_BUFFER_PTS (buf);
  return buf;
}

static GstHarness *
make_harness (const char *description, guint channels, GstBus **bus)
{
  GstHarness *h = gst_harness_new_parse (description);

  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  if (channels == 1)
    gst_harness_set_src_caps_str (h, CAPS (1));
  else
    gst_harness_set_src_caps_str (h, CAPS (2));
  return h;
}

/* Pushes `frames` frames in blocks and checks that each output buffer carries the input's
 * bytes unchanged. */
static void
push_all (GstHarness *h, const float *audio, gsize frames, guint channels, guint64 first, gsize block)
{
  for (gsize done = 0; done < frames; done += block)
    {
      gsize n = MIN (block, frames - done);
      GstBuffer *out;
      GstMapInfo map;

      g_assert_cmpint (gst_harness_push (h, make_buffer (audio + done * channels, n, channels, first + done)),
                       ==, GST_FLOW_OK);
      out = gst_harness_pull (h);
      g_assert_cmpuint (GST_BUFFER_PTS (out), ==, gst_util_uint64_scale_int_round (first + done, GST_SECOND, RATE));
      gst_buffer_map (out, &map, GST_MAP_READ);
      g_assert_cmpmem (map.data, map.size, audio + done * channels, n * channels * sizeof (float));
      gst_buffer_unmap (out, &map);
      gst_buffer_unref (out);
    }
}

static const float *
get_floats (const GstStructure *s, const char *field, gsize *n)
{
  const GValue *v = gst_structure_get_value (s, field);
  GBytes *bytes;
  gsize size;
  const float *data;

  g_assert_nonnull (v);
  g_assert_true (G_VALUE_HOLDS (v, G_TYPE_BYTES));
  bytes = g_value_get_boxed (v);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size % sizeof (float), ==, 0);
  *n = size / sizeof (float);
  return data;
}

static void
test_spectrum_messages (void)
{
  GstBus *bus;
  GstHarness *h = make_harness ("lqspectrum fft-size=4096 averaging=0 n-points=256", 2, &bus);
  const gsize frames = RATE; /* 1 s */
  const double freq = 85.0 * RATE / 4096; /* bin-centred */
  g_autofree float *audio = g_new (float, 2 * frames);
  GstMessage *msg;
  guint count = 0;
  const guint64 interval_frames = RATE / 30; /* 1600 */

  lq_synth_sine (audio, frames, 2, RATE, freq, 0.5, 0.0);
  push_all (h, audio, frames, 2, 0, 1000);

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      const GstStructure *s = gst_message_get_structure (msg);
      GstClockTime ts, rt, duration, endtime;
      guint fft, n_points, rate;
      gsize nf, nm, np;
      const float *freqs, *mag, *peak;
      guint best = 0;

      g_assert_true (gst_structure_has_name (s, "lqspectrum"));
      g_assert_true (gst_structure_get (s, "timestamp", G_TYPE_UINT64, &ts,
                                        "running-time", G_TYPE_UINT64, &rt,
                                        "duration", G_TYPE_UINT64, &duration,
                                        "endtime", G_TYPE_UINT64, &endtime,
                                        "fft-size", G_TYPE_UINT, &fft,
                                        "n-points", G_TYPE_UINT, &n_points,
                                        "rate", G_TYPE_UINT, &rate, NULL));
      /* Message i closes interval i (a 4096 FFT with 75 % overlap: a new frame every 1024
       * frames, so every 1600-frame interval has one). */
      g_assert_cmpuint (ts, ==, gst_util_uint64_scale_int_round (count * interval_frames, GST_SECOND, RATE));
      g_assert_cmpuint (endtime, ==, gst_util_uint64_scale_int_round ((count + 1) * interval_frames, GST_SECOND, RATE));
      g_assert_cmpuint (duration, ==, endtime - ts);
      g_assert_cmpuint (rt, ==, ts);
      g_assert_cmpuint (fft, ==, 4096);
      g_assert_cmpuint (rate, ==, RATE);
      freqs = get_floats (s, "frequencies", &nf);
      mag = get_floats (s, "magnitude", &nm);
      peak = get_floats (s, "peak", &np);
      g_assert_cmpuint (nf, ==, 256);
      g_assert_cmpuint (nm, ==, 256);
      g_assert_cmpuint (np, ==, 256);
      g_assert_cmpuint (n_points, ==, 256);
      g_assert_cmpfloat_with_epsilon (freqs[0], 20.0, 1e-3);
      g_assert_cmpfloat_with_epsilon (freqs[255], 20000.0, 1e-2);
      for (guint i = 1; i < nm; i++)
        {
          g_assert_cmpfloat (freqs[i], >, freqs[i - 1]);
          g_assert_cmpfloat (peak[i], >=, mag[i]);
          if (mag[i] > mag[best])
            best = i;
        }
      /* Once the window is full of the sine (from 4096 frames on), it reads -6.02 dB at its
       * frequency (within half a grid step). */
      if (endtime >= gst_util_uint64_scale_int_round (4096 + 1024, GST_SECOND, RATE))
        {
          g_assert_cmpfloat_with_epsilon (mag[best], 20 * log10 (0.5), 0.05);
          g_assert_cmpfloat (fabs (log2 (freqs[best] / freq)), <, 10.0 / 255 / 2 + 1e-4);
        }
      count++;
      gst_message_unref (msg);
    }
  g_assert_cmpuint (count, ==, frames / interval_frames);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

static void
test_spectrum_properties (void)
{
  GstElement *e = gst_element_factory_make ("lqspectrum", NULL);
  guint fft;
  double smoothing;
  int window;

  g_assert_nonnull (e);
  g_object_set (e, "fft-size", 3000, NULL);
  g_object_get (e, "fft-size", &fft, NULL);
  g_assert_cmpuint (fft, ==, 2048); /* rounded down to a power of two */
  gst_util_set_object_arg (G_OBJECT (e), "window", "hann");
  gst_util_set_object_arg (G_OBJECT (e), "smoothing", "3");
  g_object_get (e, "window", &window, "smoothing", &smoothing, NULL);
  g_assert_cmpint (window, ==, 0);
  g_assert_cmpfloat (smoothing, ==, 3.0);
  for (const char **p = (const char *[]) { "fft-size", "window", "overlap", "smoothing", "averaging",
                                           "peak-hold", "peak-decay", "interval", NULL }; *p; p++)
    g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (e), *p));
  gst_object_unref (e);
}

/* Properties changed while playing reach the analysis; a GAP reads as silence. */
static void
test_spectrum_live_changes_and_gap (void)
{
  GstBus *bus;
  GstHarness *h = make_harness ("lqspectrum fft-size=4096 averaging=0 interval=100000000", 1, &bus);
  const gsize frames = RATE / 2;
  g_autofree float *audio = g_new (float, frames);
  GstMessage *msg, *last = NULL;
  GstBuffer *gap;
  guint fft;
  gsize n;
  const float *mag;
  float top = -1000;

  lq_synth_sine (audio, frames, 1, RATE, 1000.0, 1.0, 0.0);
  push_all (h, audio, frames, 1, 0, 4800);
  gst_harness_set (h, "lqspectrum", "fft-size", 16384, "smoothing", 3.0, NULL);
  push_all (h, audio, frames, 1, frames, 4800);
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      if (last)
        gst_message_unref (last);
      last = msg;
    }
  g_assert_nonnull (last);
  g_assert_true (gst_structure_get_uint (gst_message_get_structure (last), "fft-size", &fft));
  g_assert_cmpuint (fft, ==, 16384);
  /* Third-octave band level of a full-scale sine: 0 dB */
  mag = get_floats (gst_message_get_structure (last), "magnitude", &n);
  for (gsize i = 0; i < n; i++)
    top = MAX (top, mag[i]);
  g_assert_cmpfloat_with_epsilon (top, 0.0, 0.1);
  gst_message_unref (last);

  /* A GAP buffer of a second: silence, the levels fall to the floor. */
  gap = gst_buffer_new_allocate (NULL, RATE * sizeof (float), NULL);
  gst_buffer_memset (gap, 0, 0x7f, RATE * sizeof (float)); /* garbage: must not be read */
  GST_BUFFER_PTS (gap) = GST_SECOND;
  GST_BUFFER_DURATION (gap) = GST_SECOND;
  GST_BUFFER_FLAG_SET (gap, GST_BUFFER_FLAG_GAP);
  g_assert_cmpint (gst_harness_push (h, gap), ==, GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  last = NULL;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      if (last)
        gst_message_unref (last);
      last = msg;
    }
  g_assert_nonnull (last);
  mag = get_floats (gst_message_get_structure (last), "magnitude", &n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (mag[i], ==, -200.0f);
  gst_message_unref (last);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

static void
test_refuses_three_channels (void)
{
  GstHarness *h = gst_harness_new ("lqspectrum");
  float audio[30] = { 0 };

  gst_harness_set_src_caps_str (h, "audio/x-raw, format=(string)" GST_AUDIO_NE (F32)
                                   ", rate=(int)48000, channels=(int)3, layout=(string)interleaved");
  g_assert_cmpint (gst_harness_push (h, make_buffer (audio, 10, 3, 0)), ==, GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (h);
}

static void
test_phase_messages (void)
{
  GstBus *bus;
  GstHarness *h = make_harness ("lqphase interval=50000000 scope-points=100 time-constant=50", 2, &bus);
  const gsize frames = RATE;
  const guint64 interval_frames = RATE / 20;
  g_autofree float *audio = g_new (float, 2 * frames);
  GstMessage *msg;
  guint count = 0;

  /* First half second: R = -L (correlation -1, no mid); then R = L (correlation +1, no side). */
  lq_synth_noise (audio, frames, 2, 0.5, 42);
  for (gsize i = 0; i < frames; i++)
    audio[2 * i + 1] = i < frames / 2 ? -audio[2 * i] : audio[2 * i];
  push_all (h, audio, frames, 2, 0, 512);

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      const GstStructure *s = gst_message_get_structure (msg);
      GstClockTime ts, endtime;
      double corr, mid, side, level;
      guint points;
      gsize n;
      const float *xy;

      g_assert_true (gst_structure_has_name (s, "lqphase"));
      g_assert_true (gst_structure_get (s, "timestamp", G_TYPE_UINT64, &ts,
                                        "endtime", G_TYPE_UINT64, &endtime,
                                        "correlation", G_TYPE_DOUBLE, &corr,
                                        "mid", G_TYPE_DOUBLE, &mid,
                                        "side", G_TYPE_DOUBLE, &side,
                                        "scope-points", G_TYPE_UINT, &points, NULL));
      g_assert_cmpuint (ts, ==, gst_util_uint64_scale_int_round (count * interval_frames, GST_SECOND, RATE));
      g_assert_cmpuint (endtime, ==, gst_util_uint64_scale_int_round ((count + 1) * interval_frames, GST_SECOND, RATE));
      /* Uniform noise of variance 0.25 / 3: the non-zero one of M and S has that power. */
      level = 10 * log10 (0.25 / 3);
      if (count < 10)
        {
          g_assert_cmpfloat_with_epsilon (corr, -1.0, 1e-9);
          g_assert_cmpfloat (mid, ==, -200.0);
          if (count > 3) /* after a few time constants */
            g_assert_cmpfloat_with_epsilon (side, level, 0.5);
        }
      else
        {
          /* <LR> swings from -P to +P with the 50 ms time constant while <L^2> and <R^2>
           * stay P: correlation 1 - 2 exp (-t / tau). */
          double t = (endtime - GST_SECOND / 2) / (double) GST_SECOND;
          g_assert_cmpfloat_with_epsilon (corr, 1 - 2 * exp (-t / 0.05), 0.02);
          if (count > 13)
            g_assert_cmpfloat_with_epsilon (mid, level, 0.5);
        }

      /* The scope: 100 pairs spread evenly over the 2400 frames (one in 24), each an input
       * frame. */
      xy = get_floats (s, "scope", &n);
      g_assert_cmpuint (points, ==, 100);
      g_assert_cmpuint (n, ==, 2 * points);
      for (guint i = 0; i < points; i++)
        {
          gsize frame = count * interval_frames + 24 * i;
          g_assert_cmpfloat (xy[2 * i], ==, audio[2 * frame]);
          g_assert_cmpfloat (xy[2 * i + 1], ==, audio[2 * frame + 1]);
        }
      count++;
      gst_message_unref (msg);
    }
  g_assert_cmpuint (count, ==, 20);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

static void
test_phase_mono_and_flush (void)
{
  GstBus *bus;
  GstHarness *h = make_harness ("lqphase interval=10000000", 1, &bus);
  g_autofree float *audio = g_new (float, RATE / 10);
  GstMessage *msg;
  double corr;

  lq_synth_sine (audio, RATE / 10, 1, RATE, 440.0, 0.5, 0.0);
  push_all (h, audio, RATE / 10, 1, 0, 480);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  g_assert_nonnull (msg);
  g_assert_true (gst_structure_get_double (gst_message_get_structure (msg), "correlation", &corr));
  g_assert_cmpfloat_with_epsilon (corr, 1.0, 1e-9);
  gst_message_unref (msg);
  gst_bus_set_flushing (bus, TRUE);
  gst_bus_set_flushing (bus, FALSE);

  /* After a flush the averages start again: silence then reads 0 at once. */
  g_assert_true (gst_harness_push_event (h, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  {
    GstSegment seg;
    gst_segment_init (&seg, GST_FORMAT_TIME);
    g_assert_true (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  }
  memset (audio, 0, RATE / 10 * sizeof (float));
  push_all (h, audio, 480, 1, 0, 480);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  g_assert_nonnull (msg);
  g_assert_true (gst_structure_get_double (gst_message_get_structure (msg), "correlation", &corr));
  g_assert_cmpfloat (corr, ==, 0.0);
  gst_message_unref (msg);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/gst/spectrum/messages", test_spectrum_messages);
  g_test_add_func ("/lq/gst/spectrum/properties", test_spectrum_properties);
  g_test_add_func ("/lq/gst/spectrum/live-changes-and-gap", test_spectrum_live_changes_and_gap);
  g_test_add_func ("/lq/gst/spectrum/refuses-three-channels", test_refuses_three_channels);
  g_test_add_func ("/lq/gst/phase/messages", test_phase_messages);
  g_test_add_func ("/lq/gst/phase/mono-and-flush", test_phase_mono_and_flush);

  return g_test_run ();
}
