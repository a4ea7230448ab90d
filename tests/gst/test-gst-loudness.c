/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `lqloudness` element: passthrough, message rate and fields, momentary and short-term
 * values against libebur128's own windows, channel layouts (mono, EBU Tech 3341 case 6 in
 * 5.0), reset, non-finite input and the true-peak filter property. The EBU compliance cases
 * are in tests/engine/test-ebu-compliance.c. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <ebur128.h>
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-elements.h"
#include "lq-synth.h"

typedef struct
{
  GstHarness *h;
  GstBus *bus;
  guint rate;
  guint channels;
  guint64 pushed; /* frames pushed */
} Meter;

static void
meter_init (Meter *m, guint rate, guint channels, const char *launch)
{
  GstCaps *caps = gst_caps_new_simple ("audio/x-raw",
                                       "format", G_TYPE_STRING, GST_AUDIO_NE (F32),
                                       "layout", G_TYPE_STRING, "interleaved",
                                       "rate", G_TYPE_INT, (int) rate,
                                       "channels", G_TYPE_INT, (int) channels, NULL);

  if (channels > 2)
    gst_caps_set_simple (caps, "channel-mask", GST_TYPE_BITMASK,
                         gst_audio_channel_get_fallback_mask (channels), NULL);
  m->h = launch ? gst_harness_new_parse (launch) : gst_harness_new ("lqloudness");
  m->bus = gst_bus_new ();
  m->rate = rate;
  m->channels = channels;
  m->pushed = 0;
  gst_element_set_bus (m->h->element, m->bus);
  gst_harness_set_src_caps (m->h, caps);
}

static void
meter_push (Meter *m, const float *x, gsize frames, gsize chunk)
{
  for (gsize pos = 0; pos < frames; pos += chunk)
    {
      gsize n = MIN (chunk, frames - pos);
      gsize bytes = n * m->channels * sizeof (float);
      GstBuffer *buf = gst_buffer_new_memdup (x + pos * m->channels, bytes);
      GstBuffer *out;
      GstMapInfo map;

      GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int (m->pushed, GST_SECOND, m->rate);
      GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (n, GST_SECOND, m->rate);
      g_assert_cmpint (gst_harness_push (m->h, buf), ==, GST_FLOW_OK);
      out = gst_harness_pull (m->h);
      /* An analyzer never changes the audio. */
      g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
      g_assert_cmpmem (map.data, map.size, x + pos * m->channels, bytes);
      gst_buffer_unmap (out, &map);
      gst_buffer_unref (out);
      m->pushed += n;
    }
}

/* The lqloudness messages posted so far, as structures (caller frees the array). */
static GPtrArray *
meter_messages (Meter *m)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_structure_free);
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (m->bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "lqloudness"))
        g_ptr_array_add (out, gst_structure_copy (s));
      gst_message_unref (msg);
    }
  return out;
}

static void
meter_clear (Meter *m)
{
  gst_element_set_bus (m->h->element, NULL);
  gst_harness_teardown (m->h);
  gst_object_unref (m->bus);
}

static double
get_double (const GstStructure *s, const char *field)
{
  double v = NAN;

  g_assert_true (gst_structure_get_double (s, field, &v));
  return v;
}

static double
array_item (const GstStructure *s, const char *field, guint i)
{
  const GValue *array = gst_structure_get_value (s, field);

  g_assert_nonnull (array);
  g_assert_true (GST_VALUE_HOLDS_ARRAY (array));
  return g_value_get_double (gst_value_array_get_value (array, i));
}

/* Messages at 10 Hz by default (and at `interval`), with exact, contiguous times and every
 * documented field. */
static void
test_messages (void)
{
  static const guint64 intervals[] = { 0, 250 * GST_MSECOND };

  for (guint k = 0; k < G_N_ELEMENTS (intervals); k++)
    {
      guint rate = 48000;
      gsize frames = rate * 5;
      g_autofree float *x = g_new (float, frames * 2);
      g_autoptr(GPtrArray) msgs = NULL;
      guint64 interval = intervals[k] ? intervals[k] : 100 * GST_MSECOND;
      Meter m;

      meter_init (&m, rate, 2, NULL);
      if (intervals[k])
        g_object_set (m.h->element, "interval", intervals[k], NULL);
      lq_synth_demo_render (0, rate, x, frames);
      meter_push (&m, x, frames, 1000); /* buffers do not line up with the interval */
      gst_harness_push_event (m.h, gst_event_new_eos ());
      msgs = meter_messages (&m);

      g_assert_cmpuint (msgs->len, ==, 5 * GST_SECOND / interval);
      for (guint i = 0; i < msgs->len; i++)
        {
          const GstStructure *s = g_ptr_array_index (msgs, i);
          GstClockTime ts, rt, st, dur, end;
          guint64 frames_done;

          g_assert_true (gst_structure_get_uint64 (s, "timestamp", &ts));
          g_assert_true (gst_structure_get_uint64 (s, "running-time", &rt));
          g_assert_true (gst_structure_get_uint64 (s, "stream-time", &st));
          g_assert_true (gst_structure_get_uint64 (s, "duration", &dur));
          g_assert_true (gst_structure_get_uint64 (s, "endtime", &end));
          g_assert_true (gst_structure_get_uint64 (s, "frames", &frames_done));
          g_assert_cmpuint (ts, ==, i * interval);
          g_assert_cmpuint (rt, ==, ts);
          g_assert_cmpuint (st, ==, ts);
          g_assert_cmpuint (dur, ==, interval);
          g_assert_cmpuint (end, ==, ts + dur);
          g_assert_cmpuint (frames_done, ==, gst_util_uint64_scale (end, rate, GST_SECOND));
          for (guint f = 0; f < 4; f++)
            {
              static const char *const arrays[] = { "true-peak", "sample-peak", "max-true-peak", "max-sample-peak" };
              const GValue *a = gst_structure_get_value (s, arrays[f]);

              g_assert_nonnull (a);
              g_assert_cmpuint (gst_value_array_get_size (a), ==, 2);
            }
          g_assert_true (isfinite (get_double (s, "momentary")));
          g_assert_true (isfinite (get_double (s, "short-term")));
          g_assert_true (isfinite (get_double (s, "max-momentary")));
          g_assert_true (isfinite (get_double (s, "max-short-term")));
          g_assert_true (!isnan (get_double (s, "integrated")));
          g_assert_true (!isnan (get_double (s, "loudness-range")));
          g_assert_true (!isnan (get_double (s, "plr")));
        }
      meter_clear (&m);
    }
}

/* Momentary and short-term at each message equal libebur128's own 400 ms and 3 s windows over
 * the same audio, the maxima are the highest of those, the interval peaks are those of the
 * samples of the interval (sample peak computed here), the integrated loudness is
 * libebur128's. */
static void
test_matches_libebur128 (void)
{
  guint rate = 44100;
  gsize frames = lq_synth_demo_frames (3, rate), step = rate / 10;
  g_autofree float *x = g_new (float, frames * 2);
  g_autoptr(GPtrArray) msgs = NULL;
  ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_S | EBUR128_MODE_LRA);
  double max_m = -INFINITY, max_s = -INFINITY, integrated, lra;
  const GstStructure *last;
  Meter m;

  lq_synth_demo_render (3, rate, x, frames);
  meter_init (&m, rate, 2, NULL);
  meter_push (&m, x, frames, 4096);
  gst_harness_push_event (m.h, gst_event_new_eos ());
  msgs = meter_messages (&m);
  g_assert_cmpuint (msgs->len, ==, (frames + step - 1) / step);

  for (guint i = 0; i < msgs->len; i++)
    {
      const GstStructure *s = g_ptr_array_index (msgs, i);
      gsize start = i * step, n = MIN (step, frames - start);
      double mo, sh, peak[2] = { 0, 0 };

      ebur128_add_frames_float (st, x + start * 2, n);
      if (n < step)
        break; /* the partial last interval: libebur128 only moves in whole 100 ms */
      ebur128_loudness_momentary (st, &mo);
      ebur128_loudness_shortterm (st, &sh);
      max_m = MAX (max_m, mo);
      max_s = MAX (max_s, sh);
      g_assert_cmpfloat_with_epsilon (get_double (s, "momentary"), mo, 0.001);
      g_assert_cmpfloat_with_epsilon (get_double (s, "short-term"), sh, 0.001);
      for (gsize f = start; f < start + n; f++)
        for (guint c = 0; c < 2; c++)
          peak[c] = MAX (peak[c], fabs (x[2 * f + c]));
      for (guint c = 0; c < 2; c++)
        {
          g_assert_cmpfloat_with_epsilon (array_item (s, "sample-peak", c), 20 * log10 (peak[c]), 1e-4);
          g_assert_cmpfloat (array_item (s, "true-peak", c), >=, 20 * log10 (peak[c]) - 1e-6);
        }
    }
  last = g_ptr_array_index (msgs, msgs->len - 1);
  ebur128_loudness_global (st, &integrated);
  ebur128_loudness_range (st, &lra);
  g_test_message ("integrated %.3f (libebur128 %.3f), LRA %.2f (libebur128, 1 s steps: %.2f), "
                  "max M %.3f (libebur128 at 100 ms steps %.3f), max S %.3f (%.3f)",
                  get_double (last, "integrated"), integrated, get_double (last, "loudness-range"), lra,
                  get_double (last, "max-momentary"), max_m, get_double (last, "max-short-term"), max_s);
  g_assert_cmpfloat_with_epsilon (get_double (last, "integrated"), integrated, 0.001);
  /* Our maxima look every 10 ms, libebur128's here every 100 ms: never lower, a bit higher. */
  g_assert_cmpfloat (get_double (last, "max-momentary"), >=, max_m - 0.001);
  g_assert_cmpfloat (get_double (last, "max-momentary"), <, max_m + 0.5);
  g_assert_cmpfloat (get_double (last, "max-short-term"), >=, max_s - 0.001);
  g_assert_cmpfloat (get_double (last, "max-short-term"), <, max_s + 0.2);
  /* Same method, finer steps (100 ms against 1 s). */
  g_assert_cmpfloat (fabs (get_double (last, "loudness-range") - lra), <, 0.5);
  g_assert_cmpfloat_with_epsilon (get_double (last, "plr"),
                                  MAX (array_item (last, "max-true-peak", 0), array_item (last, "max-true-peak", 1))
                                  - integrated, 0.001);

  ebur128_destroy (&st);
  meter_clear (&m);
}

/* BS.1770: a 0 dBFS 997 Hz sine in one front channel reads -3.01 LUFS; EBU Tech 3341 case 6:
 * 5.0 channels, L/R -28, C -24, Ls/Rs -30 dBFS (surrounds weighted 1.41) reads -23.0. */
static void
test_channel_layouts (void)
{
  guint rate = 48000;
  gsize frames = rate * 20;
  g_autofree float *mono = g_new (float, frames);
  g_autofree float *five = g_new (float, frames * 5);
  static const double levels[5] = { -28, -28, -24, -30, -30 };
  g_autoptr(GPtrArray) msgs = NULL;
  const GstStructure *last;
  Meter m;

  lq_synth_sine (mono, frames, 1, rate, 997.0, 1.0, 0.0);
  meter_init (&m, rate, 1, NULL);
  meter_push (&m, mono, frames, 4800);
  gst_harness_push_event (m.h, gst_event_new_eos ());
  msgs = meter_messages (&m);
  last = g_ptr_array_index (msgs, msgs->len - 1);
  g_test_message ("mono 0 dBFS 997 Hz: %.3f LUFS", get_double (last, "integrated"));
  g_assert_cmpfloat_with_epsilon (get_double (last, "integrated"), -3.01, 0.05);
  meter_clear (&m);
  g_clear_pointer (&msgs, g_ptr_array_unref);

  for (gsize i = 0; i < frames; i++)
    for (guint c = 0; c < 5; c++)
      five[i * 5 + c] = (float) (pow (10.0, levels[c] / 20.0) * sin (2 * G_PI * 1000.0 * i / rate));
  meter_init (&m, rate, 5, NULL);
  meter_push (&m, five, frames, 4800);
  gst_harness_push_event (m.h, gst_event_new_eos ());
  msgs = meter_messages (&m);
  last = g_ptr_array_index (msgs, msgs->len - 1);
  g_test_message ("EBU Tech 3341 case 6 (5.0): %.3f LUFS", get_double (last, "integrated"));
  g_assert_cmpfloat (fabs (get_double (last, "integrated") + 23.0), <=, 0.1);
  g_assert_cmpuint (gst_value_array_get_size (gst_structure_get_value (last, "max-true-peak")), ==, 5);
  meter_clear (&m);
}

/* `reset` starts again: after it, the integrated loudness is that of what followed only. */
static void
test_reset (void)
{
  guint rate = 48000;
  gsize frames = rate * 10;
  g_autofree float *loud = g_new (float, frames * 2);
  g_autofree float *quiet = g_new (float, frames * 2);
  g_autoptr(GPtrArray) msgs = NULL;
  const GstStructure *last;
  guint64 counted;
  Meter m;

  lq_synth_sine (loud, frames, 2, rate, 1000.0, pow (10.0, -10.0 / 20.0), 0.0);
  lq_synth_sine (quiet, frames, 2, rate, 1000.0, pow (10.0, -30.0 / 20.0), 0.0);
  meter_init (&m, rate, 2, NULL);
  meter_push (&m, loud, frames, 4800);
  g_signal_emit_by_name (m.h->element, "reset");
  meter_push (&m, quiet, frames, 4800);
  gst_harness_push_event (m.h, gst_event_new_eos ());
  msgs = meter_messages (&m);
  last = g_ptr_array_index (msgs, msgs->len - 1);
  g_assert_true (gst_structure_get_uint64 (last, "frames", &counted));
  g_assert_cmpuint (counted, ==, frames);
  g_assert_cmpfloat (fabs (get_double (last, "integrated") + 30.0), <, 0.05);
  g_assert_cmpfloat (fabs (get_double (last, "max-short-term") + 30.0), <, 0.05);
  g_assert_cmpfloat (fabs (array_item (last, "max-sample-peak", 0) + 30.0), <, 0.01);
  meter_clear (&m);
}

/* NaN and infinities in the input are measured as silence and never poison what follows;
 * the audio still passes unchanged (the comparison is in meter_push). */
static void
test_non_finite (void)
{
  guint rate = 48000;
  gsize frames = rate * 6;
  g_autofree float *x = g_new (float, frames * 2);
  g_autoptr(GPtrArray) msgs = NULL;
  const GstStructure *last;
  Meter m;

  lq_synth_sine (x, frames, 2, rate, 1000.0, pow (10.0, -23.0 / 20.0), 0.0);
  x[2 * 1000] = NAN;
  x[2 * 50000 + 1] = INFINITY;
  x[2 * 100000] = -INFINITY;
  meter_init (&m, rate, 2, NULL);
  meter_push (&m, x, frames, 4800);
  gst_harness_push_event (m.h, gst_event_new_eos ());
  msgs = meter_messages (&m);
  for (guint i = 0; i < msgs->len; i++)
    {
      const GstStructure *s = g_ptr_array_index (msgs, i);

      g_assert_false (isnan (get_double (s, "momentary")));
      g_assert_true (isfinite (array_item (s, "max-true-peak", 0)));
      g_assert_true (isfinite (array_item (s, "max-true-peak", 1)));
    }
  last = g_ptr_array_index (msgs, msgs->len - 1);
  g_assert_cmpfloat (fabs (get_double (last, "integrated") + 23.0), <, 0.05);
  g_assert_cmpfloat (fabs (get_double (last, "momentary") + 23.0), <, 0.05);
  g_assert_cmpfloat (array_item (last, "max-sample-peak", 1), <, -22.9);
  meter_clear (&m);
}

/* The `true-peak-filter` property picks the interpolation filter: on a dense master with
 * content up to fs/2 the BS.1770 example filter reads lower than the precise one. */
static void
test_true_peak_filter (void)
{
  static const char *const launches[] = { "lqloudness true-peak-filter=precise",
                                          "lqloudness true-peak-filter=bs1770" };
  guint rate = 44100;
  gsize frames = lq_synth_demo_frames (1, rate);
  g_autofree float *x = g_new (float, frames * 2);
  double tp[2];

  lq_synth_demo_render (1, rate, x, frames);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GPtrArray) msgs = NULL;
      const GstStructure *last;
      Meter m;

      meter_init (&m, rate, 2, launches[k]);
      meter_push (&m, x, frames, 8192);
      gst_harness_push_event (m.h, gst_event_new_eos ());
      msgs = meter_messages (&m);
      last = g_ptr_array_index (msgs, msgs->len - 1);
      tp[k] = MAX (array_item (last, "max-true-peak", 0), array_item (last, "max-true-peak", 1));
      meter_clear (&m);
    }
  g_test_message ("demo track 2: precise %.3f dBTP, bs1770 %.3f dBTP", tp[0], tp[1]);
  g_assert_cmpfloat (tp[1], <, tp[0] - 0.2);
}

/* A flushing seek to the very end: the flush drops the segment and EOS follows without a new
 * one. No message may carry an invalid position (and no critical may be raised); the part of
 * an interval before a flush is not reported with the old segment's times. */
static void
test_flush_to_end (void)
{
  Meter m;
  gsize frames = 48000 / 20; /* 50 ms: half an interval */
  g_autofree float *x = g_new (float, 2 * frames);
  g_autoptr(GPtrArray) msgs = NULL;
  GstSegment segment;

  meter_init (&m, 48000, 2, NULL);
  lq_synth_sine (x, frames, 2, 48000, 997.0, 0.5, 0.0);
  meter_push (&m, x, frames, 480);
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_flush_stop (TRUE)));
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_eos ()));
  msgs = meter_messages (&m);
  for (guint i = 0; i < msgs->len; i++)
    {
      guint64 t = GST_CLOCK_TIME_NONE;

      g_assert_true (gst_structure_get_uint64 (g_ptr_array_index (msgs, i), "stream-time", &t));
      g_assert_true (GST_CLOCK_TIME_IS_VALID (t));
    }
  g_assert_cmpuint (msgs->len, ==, 0);
  meter_clear (&m);

  /* After a flush, a new segment and a partial interval, EOS reports it with valid times */
  meter_init (&m, 48000, 2, NULL);
  meter_push (&m, x, frames, 480);
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_flush_start ()));
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = segment.time = GST_SECOND;
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_segment (&segment)));
  m.pushed = 48000;
  meter_push (&m, x, frames, 480);
  g_assert_true (gst_harness_push_event (m.h, gst_event_new_eos ()));
  g_clear_pointer (&msgs, g_ptr_array_unref);
  msgs = meter_messages (&m);
  g_assert_cmpuint (msgs->len, ==, 1);
  {
    guint64 t = GST_CLOCK_TIME_NONE;

    g_assert_true (gst_structure_get_uint64 (g_ptr_array_index (msgs, 0), "stream-time", &t));
    g_assert_cmpuint (t, ==, GST_SECOND);
  }
  meter_clear (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  lq_elements_init ();

  g_test_add_func ("/lq/gst-loudness/messages", test_messages);
  g_test_add_func ("/lq/gst-loudness/libebur128", test_matches_libebur128);
  g_test_add_func ("/lq/gst-loudness/channel-layouts", test_channel_layouts);
  g_test_add_func ("/lq/gst-loudness/reset", test_reset);
  g_test_add_func ("/lq/gst-loudness/non-finite", test_non_finite);
  g_test_add_func ("/lq/gst-loudness/true-peak-filter", test_true_peak_filter);
  g_test_add_func ("/lq/gst-loudness/flush-to-end", test_flush_to_end);

  return g_test_run ();
}
