/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The demo album synthesizer. Each track is an arrangement of bars (intro, groove, breakdown,
 * last chorus) rendered event by event: drum hits, bass notes and chord pads are added into
 * the output buffer, then the mix gets its level, a soft clip and fades. Everything is
 * band-limited (a few harmonics well below Nyquist) so the material is clean at any rate.
 */
#include "lq-synth.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lq-dsp-util.h"

static const LqSynthTrackInfo demo_tracks[] = {
  { "Morning Static", "The Lacquer Demo Band", 92.0, 24.0, -7.0, 0.0, 0.6, 45, 0 },
  { "Copper Wire", "The Lacquer Demo Band", 124.0, 28.0, -1.0, 0.8, 0.8, 40, 1 },
  { "Slow Tide", "The Lacquer Demo Band", 70.0, 30.0, -7.0, 0.0, 1.0, 43, 0 },
  { "Last Light", "The Lacquer Demo Band", 108.0, 26.0, -3.0, 0.5, 0.9, 38, 1 },
};

#define N_DEMO_TRACKS (sizeof demo_tracks / sizeof demo_tracks[0])

typedef struct
{
  float *out;    /* stereo interleaved destination */
  size_t frames; /* frames in out */
  double rate;   /* sample rate in Hz */
} Canvas;

typedef enum
{
  SECTION_INTRO,
  SECTION_GROOVE,
  SECTION_BREAKDOWN,
  SECTION_FINAL,
} Section;

static uint32_t
xorshift32 (uint32_t *state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

static double
noise_sample (uint32_t *state)
{
  return (double) xorshift32 (state) / 2147483648.0 - 1.0;
}

static double
midi_to_hz (double note)
{
  return 440.0 * pow (2.0, (note - 69.0) / 12.0);
}

/* Clips the event [t0, t0 + dur) to the canvas; returns FALSE when nothing is left. */
static int
event_span (const Canvas *c, double t0, double dur, size_t *first, size_t *last)
{
  double s0 = floor (t0 * c->rate);
  double s1 = ceil ((t0 + dur) * c->rate);

  if (s0 >= (double) c->frames || s1 <= 0.0)
    return 0;
  *first = s0 < 0.0 ? 0 : (size_t) s0;
  *last = s1 > (double) c->frames ? c->frames : (size_t) s1;
  return *first < *last;
}

static void
add_kick (Canvas *c, double t0, double vel)
{
  size_t first, last;
  double phase = 0.0;

  if (!event_span (c, t0, 0.45, &first, &last))
    return;
  for (size_t i = first; i < last; i++)
    {
      double t = i / c->rate - t0;
      double f = 48.0 + 110.0 * exp (-t / 0.025);
      double s = vel * exp (-t / 0.16) * sin (phase);

      if (t < 0.0)
        continue;
      phase += 2.0 * LQ_PI * f / c->rate;
      c->out[2 * i] += (float) s;
      c->out[2 * i + 1] += (float) s;
    }
}

static void
add_snare (Canvas *c, double t0, double vel, uint32_t seed)
{
  size_t first, last;
  uint32_t rng = seed | 1u;
  double prev = 0.0;

  if (!event_span (c, t0, 0.35, &first, &last))
    return;
  for (size_t i = first; i < last; i++)
    {
      double t = i / c->rate - t0;
      double n = noise_sample (&rng);
      double hp = n - 0.6 * prev;
      double s;

      prev = n;
      if (t < 0.0)
        continue;
      s = vel * (0.45 * hp * exp (-t / 0.09) + 0.5 * sin (2.0 * LQ_PI * 186.0 * t) * exp (-t / 0.05));
      c->out[2 * i] += (float) (0.8 * s);
      c->out[2 * i + 1] += (float) s;
    }
}

static void
add_hat (Canvas *c, double t0, double vel, uint32_t seed)
{
  size_t first, last;
  uint32_t rng = seed | 1u;
  double prev = 0.0;

  if (!event_span (c, t0, 0.12, &first, &last))
    return;
  for (size_t i = first; i < last; i++)
    {
      double t = i / c->rate - t0;
      double n = noise_sample (&rng);
      double s = vel * (n - prev) * 0.5 * exp (-t / 0.022);

      prev = n;
      if (t < 0.0)
        continue;
      c->out[2 * i] += (float) s;
      c->out[2 * i + 1] += (float) (0.55 * s);
    }
}

/* A tone of a few harmonics with amplitude 1/n^tilt, an attack/release envelope and a slight
 * detune between the channels (width) for stereo content. */
static void
add_tone (Canvas *c, double t0, double dur, double freq, double vel, int harmonics, double tilt,
          double attack, double release, double width, double pan)
{
  size_t first, last;
  double detune = 1.0 + 0.0025 * width;
  double gl = vel * sqrt (0.5 * (1.0 - pan)), gr = vel * sqrt (0.5 * (1.0 + pan));
  double amps[8];
  int nh = 0;

  for (int h = 1; h <= harmonics && h <= 8; h++)
    {
      if (freq * h * detune > 0.45 * c->rate)
        break;
      amps[nh++] = 1.0 / pow (h, tilt);
    }
  if (!event_span (c, t0, dur + release, &first, &last))
    return;
  for (size_t i = first; i < last; i++)
    {
      double t = i / c->rate - t0;
      double env, l = 0.0, r = 0.0;

      if (t < 0.0)
        continue;
      env = t < attack ? t / attack : 1.0;
      if (t > dur)
        env *= exp (-(t - dur) / (release / 4.0));
      else
        env *= 0.75 + 0.25 * exp (-t / 0.3);
      for (int h = 0; h < nh; h++)
        {
          double w = 2.0 * LQ_PI * freq * (h + 1) * t;
          l += amps[h] * sin (w / detune + 0.3 * h);
          r += amps[h] * sin (w * detune + 0.7 * h * width);
        }
      c->out[2 * i] += (float) (gl * env * l);
      c->out[2 * i + 1] += (float) (gr * env * r);
    }
}

static Section
section_of_bar (unsigned bar, unsigned n_bars)
{
  if (bar < 2)
    return SECTION_INTRO;
  if (bar >= n_bars * 55 / 100 && bar < n_bars * 72 / 100)
    return SECTION_BREAKDOWN;
  if (bar >= n_bars * 72 / 100)
    return SECTION_FINAL;
  return SECTION_GROOVE;
}

unsigned
lq_synth_demo_n_tracks (void)
{
  return N_DEMO_TRACKS;
}

const LqSynthTrackInfo *
lq_synth_demo_track_info (unsigned index)
{
  return index < N_DEMO_TRACKS ? &demo_tracks[index] : NULL;
}

size_t
lq_synth_demo_frames (unsigned index, unsigned rate)
{
  if (index >= N_DEMO_TRACKS || rate == 0)
    return 0;
  return (size_t) llround (demo_tracks[index].seconds * rate);
}

void
lq_synth_demo_render (unsigned index, unsigned rate, float *out, size_t frames)
{
  static const int major_roots[4] = { 0, 7, 9, 5 }, major_minor3[4] = { 0, 0, 1, 0 };
  static const int minor_roots[4] = { 0, 8, 3, 10 }, minor_minor3[4] = { 1, 0, 0, 0 };
  const LqSynthTrackInfo *info = lq_synth_demo_track_info (index);
  Canvas c = { out, frames, (double) rate };
  double beat, bar_len, k, fade_out = 1.5;
  unsigned n_bars;
  int ballad;

  if (info == NULL || out == NULL || rate == 0)
    return;
  memset (out, 0, frames * 2 * sizeof (float));

  beat = 60.0 / info->bpm;
  bar_len = 4.0 * beat;
  n_bars = (unsigned) ceil (info->seconds / bar_len);
  ballad = info->bpm < 80.0;

  for (unsigned bar = 0; bar < n_bars; bar++)
    {
      Section sec = section_of_bar (bar, n_bars);
      double t_bar = bar * bar_len;
      int degree = bar % 4;
      int chord_root = info->root + 12 + (info->minor ? minor_roots[degree] : major_roots[degree]);
      int third = (info->minor ? minor_minor3[degree] : major_minor3[degree]) ? 3 : 4;
      double pad_vel = sec == SECTION_INTRO ? 0.10 : sec == SECTION_BREAKDOWN ? 0.12 : sec == SECTION_FINAL ? 0.17 : 0.13;
      double drum_vel = (sec == SECTION_FINAL ? 1.0 : 0.8) * (ballad ? 0.55 : 1.0);
      int drums = sec == SECTION_GROOVE || sec == SECTION_FINAL;

      if (t_bar >= info->seconds)
        break;

      /* Chords: a triad plus the octave, voiced around middle C, slow attack. */
      add_tone (&c, t_bar, bar_len * 0.96, midi_to_hz (chord_root), pad_vel, 6, 2.0, 0.08, 0.4, info->width, -0.3 * info->width);
      add_tone (&c, t_bar, bar_len * 0.96, midi_to_hz (chord_root + third), pad_vel, 6, 2.0, 0.09, 0.4, info->width, 0.4 * info->width);
      add_tone (&c, t_bar, bar_len * 0.96, midi_to_hz (chord_root + 7), pad_vel, 6, 2.0, 0.10, 0.4, info->width, -0.5 * info->width);
      add_tone (&c, t_bar, bar_len * 0.96, midi_to_hz (chord_root + 12), pad_vel * 0.7, 4, 2.0, 0.12, 0.4, info->width, 0.6 * info->width);

      for (unsigned step = 0; step < 8; step++)
        {
          double t = t_bar + step * beat / 2.0;
          uint32_t seed = 0x9E3779B9u * (index + 1) ^ (bar * 8 + step) * 2654435761u;

          /* Bass: eighth notes on the root, octave jump on the last one, mono. */
          if (sec != SECTION_BREAKDOWN && (!ballad || step % 2 == 0))
            {
              double note = info->root - 12 + (info->minor ? minor_roots[degree] : major_roots[degree]) + (step == 7 ? 12 : 0);
              double vel = (sec == SECTION_INTRO ? 0.18 : 0.3) * (step % 2 ? 0.8 : 1.0);
              add_tone (&c, t, beat / 2.0 * (ballad ? 1.8 : 0.85), midi_to_hz (note), vel, 5, 1.0, 0.004, 0.04, 0.0, 0.0);
            }
          if (!drums && !(sec == SECTION_INTRO && !ballad))
            continue;
          /* Hats (also in the intro of the faster songs). */
          if (!ballad || step % 2 == 0)
            add_hat (&c, t, drum_vel * (step % 2 ? 0.22 : 0.35), seed);
          if (!drums)
            continue;
          if (step == 0 || step == 4 || (sec == SECTION_FINAL && step == 5))
            add_kick (&c, t, drum_vel * 0.9);
          if (step == 2 || step == 6)
            add_snare (&c, t, drum_vel * 0.7, seed ^ 0xA5A5A5A5u);
        }
    }

  /* Level, soft clip, fades. */
  k = lq_db_to_gain (info->level_db) * (1.0 + info->drive);
  for (size_t i = 0; i < frames; i++)
    {
      double t = i / c.rate;
      double env = 1.0;

      if (t < 0.01)
        env = t / 0.01;
      if (t > info->seconds - fade_out)
        env *= fmax (0.0, (info->seconds - t) / fade_out);
      for (int ch = 0; ch < 2; ch++)
        {
          double x = out[2 * i + ch] * k;
          out[2 * i + ch] = (float) (env * 0.97 * tanh (x) );
        }
    }
}

void
lq_synth_sine (float *out, size_t frames, unsigned channels, double rate, double freq,
               double amplitude, double phase)
{
  double w = 2.0 * LQ_PI * freq / rate;

  for (size_t i = 0; i < frames; i++)
    {
      float s = (float) (amplitude * sin (w * (double) i + phase));
      for (unsigned ch = 0; ch < channels; ch++)
        out[i * channels + ch] = s;
    }
}

void
lq_synth_noise (float *out, size_t frames, unsigned channels, double amplitude, unsigned seed)
{
  uint32_t rng = seed ? seed : 0x12345678u;

  for (size_t i = 0; i < frames * channels; i++)
    out[i] = (float) (amplitude * noise_sample (&rng));
}
