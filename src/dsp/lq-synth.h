/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The demo album synthesizer: short, music-like stereo tracks (drums, bass, chords) with real
 * dynamics, stereo content and a different loudness per track. It is deterministic, so the
 * demo album and the tests get the same material on every machine without any download.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  const char *title;     /* track title */
  const char *performer; /* artist shown in the demo project */
  double bpm;            /* tempo */
  double seconds;        /* length */
  double level_db;       /* overall level trim; tracks differ in loudness on purpose */
  double drive;          /* soft-clip drive: > 0 makes a dense, loud master */
  double width;          /* stereo spread of the chords, 0 mono .. 1 wide */
  int root;              /* MIDI note of the key's root */
  int minor;             /* minor key progression */
} LqSynthTrackInfo;

unsigned lq_synth_demo_n_tracks (void);
const LqSynthTrackInfo *lq_synth_demo_track_info (unsigned index);
size_t lq_synth_demo_frames (unsigned index, unsigned rate);

/* Renders demo track `index` at `rate` Hz into `out`: stereo interleaved float, `frames`
 * frames (use lq_synth_demo_frames() for the whole track; fewer gives its start). */
void lq_synth_demo_render (unsigned index, unsigned rate, float *out, size_t frames);

/* Fills `out` (interleaved, `channels` channels) with a sine of `amplitude` (linear peak),
 * frequency `freq` Hz and start phase `phase` (radians) in every channel. */
void lq_synth_sine (float *out, size_t frames, unsigned channels, double rate, double freq,
                    double amplitude, double phase);

/* Deterministic white noise, uniform in [-amplitude, amplitude), from a 32-bit seed. */
void lq_synth_noise (float *out, size_t frames, unsigned channels, double amplitude,
                     unsigned seed);

#ifdef __cplusplus
}
#endif
