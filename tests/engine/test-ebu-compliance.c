/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EBU Tech 3341 (cases 1-5, 9, 10, 12, 13, 15-19) and EBU Tech 3342 (cases 1-4) with the
 * signals synthesized here after the table in ../shared/reference/loudness.md, at 48 kHz and
 * 44.1 kHz, within the specification's tolerances, for both the offline analyzer (through a
 * float WAV file and LqDecoder) and the live `lqloudness` element (GstHarness). */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-analyzer.h"
#include "lq-elements.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define SILENCE (-INFINITY)

typedef struct
{
  double seconds;
  double dbfs; /* peak level of the 1 kHz sine, SILENCE for digital silence */
} Segment;

/* What one measurement gives (offline: the whole file; live: the last message, plus the
 * time series where a case asks for constancy). */
typedef struct
{
  double momentary, short_term, integrated, lra, max_momentary, max_short_term, true_peak;
  /* Live only: momentary and short-term of every message, with their end times. */
  GArray *times, *m_series, *s_series;
} Measure;

static char *tmp_dir;

static void
measure_clear (Measure *m)
{
  g_clear_pointer (&m->times, g_array_unref);
  g_clear_pointer (&m->m_series, g_array_unref);
  g_clear_pointer (&m->s_series, g_array_unref);
}

/* A 1 kHz sine in phase on both channels, continuous in phase across the segments. */
static float *
render (const Segment *segments,
        guint          n_segments,
        guint          rate,
        gsize         *frames_out)
{
  gsize frames = 0, pos = 0;
  float *x;

  for (guint i = 0; i < n_segments; i++)
    frames += (gsize) llround (segments[i].seconds * rate);
  x = g_new0 (float, frames * 2);
  for (guint i = 0; i < n_segments; i++)
    {
      gsize n = (gsize) llround (segments[i].seconds * rate);
      double amplitude = isfinite (segments[i].dbfs) ? pow (10.0, segments[i].dbfs / 20.0) : 0.0;

      for (gsize k = 0; k < n; k++, pos++)
        {
          float v = (float) (amplitude * sin (2.0 * G_PI * 1000.0 * (double) pos / rate));
          x[2 * pos] = x[2 * pos + 1] = v;
        }
    }
  *frames_out = frames;
  return x;
}

/* The EBU true-peak signals: a sine at `fraction` x fs, 10 ms linear fades, 1 s. */
static float *
render_tp (double fraction,
           double amplitude,
           double phase_deg,
           guint  rate,
           gsize *frames_out)
{
  gsize frames = rate, fade = rate / 100;
  float *x = g_new (float, frames * 2);

  lq_synth_sine (x, frames, 2, rate, fraction * rate, amplitude, phase_deg * G_PI / 180.0);
  for (gsize i = 0; i < fade; i++)
    for (guint c = 0; c < 2; c++)
      {
        float g = (float) i / fade;
        x[2 * i + c] *= g;
        x[2 * (frames - 1 - i) + c] *= g;
      }
  *frames_out = frames;
  return x;
}

static void
measure_offline (const float *x,
                 gsize        frames,
                 guint        rate,
                 Measure     *m)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("case-%u.wav", counter++);
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAnalysis) a = NULL;

  g_assert_true (lq_wav_write_file (file, x, frames, 2, rate, LQ_WAV_FLOAT32, NULL, &error));
  g_assert_no_error (error);
  a = lq_analyze_file (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->frames, ==, frames);
  g_assert_cmpuint (a->rate, ==, rate);
  g_unlink (path);

  m->integrated = a->integrated_lufs;
  m->lra = a->lra_lu;
  m->max_momentary = a->max_momentary_lufs;
  m->max_short_term = a->max_short_term_lufs;
  m->true_peak = a->true_peak_dbtp;
  m->momentary = m->short_term = NAN; /* not part of an offline result */
}

static double
array_max (const GValue *array)
{
  double best = -INFINITY;

  for (guint i = 0; i < gst_value_array_get_size (array); i++)
    best = MAX (best, g_value_get_double (gst_value_array_get_value (array, i)));
  return best;
}

static void
measure_live (const float *x,
              gsize        frames,
              guint        rate,
              Measure     *m)
{
  GstHarness *h = gst_harness_new ("lqloudness");
  g_autoptr(GstBus) bus = gst_bus_new ();
  g_autoptr(GstCaps) caps = gst_caps_new_simple ("audio/x-raw",
                                                 "format", G_TYPE_STRING, GST_AUDIO_NE (F32),
                                                 "layout", G_TYPE_STRING, "interleaved",
                                                 "rate", G_TYPE_INT, (int) rate,
                                                 "channels", G_TYPE_INT, 2, NULL);
  const gsize chunk = 4096;
  GstMessage *msg;
  gboolean got_last = FALSE;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, g_steal_pointer (&caps));
  for (gsize pos = 0; pos < frames; pos += chunk)
    {
      gsize n = MIN (chunk, frames - pos);
      GstBuffer *buf = gst_buffer_new_memdup (x + 2 * pos, n * 2 * sizeof (float));

      GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int (pos, GST_SECOND, rate);
      GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (n, GST_SECOND, rate);
      g_assert_cmpint (gst_harness_push (h, buf), ==, GST_FLOW_OK);
      gst_buffer_unref (gst_harness_pull (h));
    }
  g_assert_true (gst_harness_push_event (h, gst_event_new_eos ()));

  m->times = g_array_new (FALSE, FALSE, sizeof (double));
  m->m_series = g_array_new (FALSE, FALSE, sizeof (double));
  m->s_series = g_array_new (FALSE, FALSE, sizeof (double));
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      const GstStructure *s = gst_message_get_structure (msg);
      GstClockTime endtime;
      double t, v;

      if (gst_structure_has_name (s, "lqloudness"))
        {
          g_assert_true (gst_structure_get_uint64 (s, "endtime", &endtime));
          t = (double) endtime / GST_SECOND;
          g_array_append_val (m->times, t);
          g_assert_true (gst_structure_get_double (s, "momentary", &v));
          g_array_append_val (m->m_series, v);
          m->momentary = v;
          g_assert_true (gst_structure_get_double (s, "short-term", &v));
          g_array_append_val (m->s_series, v);
          m->short_term = v;
          gst_structure_get_double (s, "integrated", &m->integrated);
          gst_structure_get_double (s, "loudness-range", &m->lra);
          gst_structure_get_double (s, "max-momentary", &m->max_momentary);
          gst_structure_get_double (s, "max-short-term", &m->max_short_term);
          m->true_peak = array_max (gst_structure_get_value (s, "max-true-peak"));
          got_last = TRUE;
        }
      gst_message_unref (msg);
    }
  g_assert_true (got_last);
  /* The last message closes at the end of the signal. */
  g_assert_cmpfloat_with_epsilon (g_array_index (m->times, double, m->times->len - 1),
                                  (double) frames / rate, 1e-6);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
}

typedef void (*MeasureFunc) (const float *x, gsize frames, guint rate, Measure *m);

typedef struct
{
  guint rate;
  MeasureFunc measure;
  const char *how;
  gboolean live;
} Setup;

static void
assert_within (const char *what,
               double      got,
               double      expected,
               double      minus,
               double      plus)
{
  g_test_message ("%s: %.3f (expected %.1f -%.1f/+%.1f)", what, got, expected, minus, plus);
  g_assert_cmpfloat (got, >=, expected - minus);
  g_assert_cmpfloat (got, <=, expected + plus);
}

static void
run_segments (const Setup   *setup,
              const Segment *segments,
              guint          n,
              Measure       *m)
{
  gsize frames;
  g_autofree float *x = render (segments, n, setup->rate, &frames);

  setup->measure (x, frames, setup->rate, m);
}

/* Cases 1 and 2: steady tones. */
static void
test_3341_steady (gconstpointer data)
{
  const Setup *setup = data;
  static const double levels[] = { -23.0, -33.0 };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      Segment seg = { 20.0, levels[i] };
      Measure m = { 0 };
      g_autofree char *what = g_strdup_printf ("%s %u Hz case %u", setup->how, setup->rate, i + 1);

      run_segments (setup, &seg, 1, &m);
      assert_within (what, m.integrated, levels[i], 0.1, 0.1);
      assert_within (what, m.max_momentary, levels[i], 0.1, 0.1);
      assert_within (what, m.max_short_term, levels[i], 0.1, 0.1);
      if (setup->live)
        {
          assert_within (what, m.momentary, levels[i], 0.1, 0.1);
          assert_within (what, m.short_term, levels[i], 0.1, 0.1);
        }
      measure_clear (&m);
    }
}

/* Cases 3, 4 and 5: gating. */
static void
test_3341_gating (gconstpointer data)
{
  const Setup *setup = data;
  static const Segment case3[] = { { 10, -36 }, { 60, -23 }, { 10, -36 } };
  static const Segment case4[] = { { 10, -72 }, { 10, -36 }, { 60, -23 }, { 10, -36 }, { 10, -72 } };
  static const Segment case5[] = { { 20, -26 }, { 20.1, -20 }, { 20, -26 } };
  const struct { const Segment *s; guint n; } cases[] = {
    { case3, G_N_ELEMENTS (case3) }, { case4, G_N_ELEMENTS (case4) }, { case5, G_N_ELEMENTS (case5) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Measure m = { 0 };
      g_autofree char *what = g_strdup_printf ("%s %u Hz case %u", setup->how, setup->rate, i + 3);

      run_segments (setup, cases[i].s, cases[i].n, &m);
      assert_within (what, m.integrated, -23.0, 0.1, 0.1);
      measure_clear (&m);
    }
}

/* Case 9: the short-term loudness is -23 and constant after 3 s; case 12: the momentary
 * loudness is -23 and constant after 1 s. Offline, the maxima. */
static void
test_3341_constant (gconstpointer data)
{
  const Setup *setup = data;
  Segment case9[10], case12[50];
  Measure m9 = { 0 }, m12 = { 0 };
  g_autofree char *what9 = g_strdup_printf ("%s %u Hz case 9", setup->how, setup->rate);
  g_autofree char *what12 = g_strdup_printf ("%s %u Hz case 12", setup->how, setup->rate);

  for (guint i = 0; i < 5; i++)
    {
      case9[2 * i] = (Segment) { 1.34, -20 };
      case9[2 * i + 1] = (Segment) { 1.66, -30 };
    }
  for (guint i = 0; i < 25; i++)
    {
      case12[2 * i] = (Segment) { 0.18, -20 };
      case12[2 * i + 1] = (Segment) { 0.22, -30 };
    }

  run_segments (setup, case9, G_N_ELEMENTS (case9), &m9);
  assert_within (what9, m9.max_short_term, -23.0, 0.1, 0.1);
  run_segments (setup, case12, G_N_ELEMENTS (case12), &m12);
  assert_within (what12, m12.max_momentary, -23.0, 0.1, 0.1);

  if (setup->live)
    {
      guint checked9 = 0, checked12 = 0;

      for (guint i = 0; i < m9.times->len; i++)
        if (g_array_index (m9.times, double, i) >= 3.0)
          {
            double s = g_array_index (m9.s_series, double, i);
            g_assert_cmpfloat (fabs (s + 23.0), <=, 0.1);
            checked9++;
          }
      for (guint i = 0; i < m12.times->len; i++)
        if (g_array_index (m12.times, double, i) >= 1.0)
          {
            double mo = g_array_index (m12.m_series, double, i);
            g_assert_cmpfloat (fabs (mo + 23.0), <=, 0.1);
            checked12++;
          }
      g_test_message ("%s: short-term within -23 +/- 0.1 in all %u messages after 3 s", what9, checked9);
      g_test_message ("%s: momentary within -23 +/- 0.1 in all %u messages after 1 s", what12, checked12);
      g_assert_cmpuint (checked9, >=, 120);  /* 12 s at 10 Hz */
      g_assert_cmpuint (checked12, >=, 90);  /* 9 s at 10 Hz */
    }
  measure_clear (&m9);
  measure_clear (&m12);
}

/* Cases 10 and 13: 20 files each, the tone shifted by i x 150 ms / i x 20 ms; the maximum
 * short-term / momentary loudness must find it wherever it sits. */
static void
test_3341_max (gconstpointer data)
{
  const Setup *setup = data;

  for (guint i = 1; i <= 20; i++)
    {
      Segment case10[] = { { i * 0.15, SILENCE }, { 3.0, -23 }, { 1.0, SILENCE } };
      Segment case13[] = { { i * 0.02, SILENCE }, { 0.4, -23 }, { 1.0, SILENCE } };
      Measure m10 = { 0 }, m13 = { 0 };
      g_autofree char *what10 = g_strdup_printf ("%s %u Hz case 10 file %u", setup->how, setup->rate, i);
      g_autofree char *what13 = g_strdup_printf ("%s %u Hz case 13 file %u", setup->how, setup->rate, i);

      run_segments (setup, case10, G_N_ELEMENTS (case10), &m10);
      assert_within (what10, m10.max_short_term, -23.0, 0.1, 0.1);
      run_segments (setup, case13, G_N_ELEMENTS (case13), &m13);
      assert_within (what13, m13.max_momentary, -23.0, 0.1, 0.1);
      measure_clear (&m10);
      measure_clear (&m13);
    }
}

/* Cases 15 to 19: true peak, +0.2 / -0.4 dB. */
static void
test_3341_true_peak (gconstpointer data)
{
  const Setup *setup = data;
  static const struct { int number; double fraction, amplitude, phase, expected; } cases[] = {
    { 15, 1.0 / 4, 0.50, 0.0, -6.0 },
    { 16, 1.0 / 4, 0.50, 45.0, -6.0 },
    { 17, 1.0 / 6, 0.50, 60.0, -6.0 },
    { 18, 1.0 / 8, 0.50, 67.5, -6.0 },
    { 19, 1.0 / 4, 1.41, 45.0, 3.0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize frames;
      g_autofree float *x = render_tp (cases[i].fraction, cases[i].amplitude, cases[i].phase,
                                       setup->rate, &frames);
      g_autofree char *what = g_strdup_printf ("%s %u Hz case %d", setup->how, setup->rate, cases[i].number);
      Measure m = { 0 };

      setup->measure (x, frames, setup->rate, &m);
      assert_within (what, m.true_peak, cases[i].expected, 0.4, 0.2);
      measure_clear (&m);
    }
}

/* EBU Tech 3342 cases 1 to 4: loudness range +/- 1 LU. */
static void
test_3342 (gconstpointer data)
{
  const Setup *setup = data;
  static const Segment case1[] = { { 20, -20 }, { 20, -30 } };
  static const Segment case2[] = { { 20, -20 }, { 20, -15 } };
  static const Segment case3[] = { { 20, -40 }, { 20, -20 } };
  static const Segment case4[] = { { 20, -50 }, { 20, -35 }, { 20, -20 }, { 20, -35 }, { 20, -50 } };
  const struct { const Segment *s; guint n; double lra; } cases[] = {
    { case1, G_N_ELEMENTS (case1), 10 }, { case2, G_N_ELEMENTS (case2), 5 },
    { case3, G_N_ELEMENTS (case3), 20 }, { case4, G_N_ELEMENTS (case4), 15 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Measure m = { 0 };
      g_autofree char *what = g_strdup_printf ("%s %u Hz Tech 3342 case %u LRA", setup->how, setup->rate, i + 1);

      run_segments (setup, cases[i].s, cases[i].n, &m);
      assert_within (what, m.lra, cases[i].lra, 1.0, 1.0);
      measure_clear (&m);
    }
}

int
main (int argc, char **argv)
{
  static const Setup setups[] = {
    { 48000, measure_offline, "offline", FALSE },
    { 44100, measure_offline, "offline", FALSE },
    { 48000, measure_live, "live", TRUE },
    { 44100, measure_live, "live", TRUE },
  };
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "3341-steady", test_3341_steady },
    { "3341-gating", test_3341_gating },
    { "3341-constant", test_3341_constant },
    { "3341-max", test_3341_max },
    { "3341-true-peak", test_3341_true_peak },
    { "3342-lra", test_3342 },
  };
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  lq_elements_init ();
  tmp_dir = g_dir_make_tmp ("lq-ebu-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  for (guint s = 0; s < G_N_ELEMENTS (setups); s++)
    for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
      {
        g_autofree char *path = g_strdup_printf ("/lq/ebu/%s/%s/%u", setups[s].how, tests[t].name,
                                                 setups[s].rate);
        g_test_add_data_func (path, &setups[s], tests[t].func);
      }

  ret = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
