/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-chain-snapshot"

#include "config.h"

#include <json-glib/json-glib.h>

#include "lq-chain-snapshot.h"
#include "lq-engine-error.h"

struct _LqChainSnapshot
{
  JsonNode *json;  /* the chain's settings as lq_chain_to_json() wrote them */
  LqChain *chain;  /* the same parsed back (never shown or played: a description to compare) */
};

/* Builds the snapshot's parsed chain; takes @json. */
static LqChainSnapshot *
snapshot_new_take (JsonNode  *json,
                   GError   **error)
{
  LqChainSnapshot *self;
  LqChain *chain = lq_chain_new_from_json (json, error);

  if (chain == NULL)
    {
      json_node_unref (json);
      return NULL;
    }
  self = g_new0 (LqChainSnapshot, 1);
  self->json = json;
  self->chain = chain;
  return self;
}

/* Two serialized values are equal when the strings are, or when both are the same number
 * ("-1.0" and "-1": a JSON round trip may rewrite a number). */
static gboolean
values_equal (const char *a,
              const char *b)
{
  char *end_a, *end_b;
  double x, y;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  x = g_ascii_strtod (a, &end_a);
  y = g_ascii_strtod (b, &end_b);
  return end_a != a && *end_a == '\0' && end_b != b && *end_b == '\0' && x == y;
}

static gboolean
element_equal (LqChainElement *stored,
               LqChainElement *live)
{
  g_auto(GStrv) stored_names = lq_chain_element_list_properties (stored);
  g_auto(GStrv) live_names = lq_chain_element_list_properties (live);

  if (lq_chain_element_get_bypass (stored) != lq_chain_element_get_bypass (live))
    return FALSE;
  for (guint i = 0; stored_names[i] != NULL; i++)
    if (!values_equal (lq_chain_element_get (stored, stored_names[i]), lq_chain_element_get (live, stored_names[i])))
      return FALSE;
  for (guint i = 0; live_names[i] != NULL; i++)
    if (lq_chain_element_get (stored, live_names[i]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * lq_chain_snapshot_new:
 *
 * Returns: (transfer full): the settings of @chain now
 */
LqChainSnapshot *
lq_chain_snapshot_new (LqChain *chain)
{
  g_return_val_if_fail (LQ_IS_CHAIN (chain), NULL);

  return snapshot_new_take (lq_chain_to_json (chain), NULL);
}

/**
 * lq_chain_snapshot_new_from_string:
 * @json: what lq_chain_snapshot_to_string() gave
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL with @error set
 */
LqChainSnapshot *
lq_chain_snapshot_new_from_string (const char  *json,
                                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  return snapshot_new_take (json_node_copy (json_parser_get_root (parser)), error);
}

void
lq_chain_snapshot_free (LqChainSnapshot *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->json, json_node_unref);
  g_clear_object (&self->chain);
  g_free (self);
}

/**
 * lq_chain_snapshot_to_string:
 *
 * Returns: (transfer full): the settings as JSON (the chain format of project files)
 */
char *
lq_chain_snapshot_to_string (LqChainSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return json_to_string (self->json, FALSE);
}

/**
 * lq_chain_snapshot_same_structure:
 *
 * Returns: %TRUE when @chain has the stored elements' factories in the same order
 */
gboolean
lq_chain_snapshot_same_structure (LqChainSnapshot *self,
                                  LqChain         *chain)
{
  guint n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (LQ_IS_CHAIN (chain), FALSE);

  n = lq_chain_get_n_elements (self->chain);
  if (n != lq_chain_get_n_elements (chain))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (lq_chain_element_get_factory (lq_chain_get_element (self->chain, i)),
                   lq_chain_element_get_factory (lq_chain_get_element (chain, i))) != 0)
      return FALSE;
  return TRUE;
}

/**
 * lq_chain_snapshot_equal:
 *
 * Returns: %TRUE when @chain has the stored structure and settings
 */
gboolean
lq_chain_snapshot_equal (LqChainSnapshot *self,
                         LqChain         *chain)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (LQ_IS_CHAIN (chain), FALSE);

  if (!lq_chain_snapshot_same_structure (self, chain))
    return FALSE;
  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    if (!element_equal (lq_chain_get_element (self->chain, i), lq_chain_get_element (chain, i)))
      return FALSE;
  return TRUE;
}

static void
set_value (LqHistory      *history,
           LqChainElement *element,
           const char     *property,
           const char     *value)
{
  if (history != NULL)
    lq_history_chain_element_set (history, element, property, value, NULL);
  else
    lq_chain_element_set (element, property, value);
}

/* Sets @live's settings to @stored's, on @live itself. */
static void
apply_element (LqChainElement *stored,
               LqChainElement *live,
               LqHistory      *history)
{
  g_auto(GStrv) stored_names = lq_chain_element_list_properties (stored);
  g_auto(GStrv) live_names = lq_chain_element_list_properties (live);

  /* Settings the snapshot did not have go back to the element's default. */
  for (guint i = 0; live_names[i] != NULL; i++)
    if (lq_chain_element_get (stored, live_names[i]) == NULL)
      set_value (history, live, live_names[i], NULL);
  for (guint i = 0; stored_names[i] != NULL; i++)
    {
      const char *value = lq_chain_element_get (stored, stored_names[i]);
      if (!values_equal (value, lq_chain_element_get (live, stored_names[i])))
        set_value (history, live, stored_names[i], value);
    }
  if (lq_chain_element_get_bypass (stored) != lq_chain_element_get_bypass (live))
    {
      if (history != NULL)
        lq_history_chain_element_set_bypass (history, live, lq_chain_element_get_bypass (stored), NULL);
      else
        lq_chain_element_set_bypass (live, lq_chain_element_get_bypass (stored));
    }
}

/**
 * lq_chain_snapshot_recall:
 * @history: (nullable): where the edit goes as one undoable step, or %NULL
 * @label: (nullable): the step's name ("Recall Snapshot A")
 *
 * Gives @chain the stored settings: on its own elements when the structure is the same, else
 * by replacing its elements with new ones made from the snapshot.
 *
 * Returns: what was done
 */
LqSnapshotRecall
lq_chain_snapshot_recall (LqChainSnapshot *self,
                          LqChain         *chain,
                          LqHistory       *history,
                          const char      *label)
{
  LqSnapshotRecall result;

  g_return_val_if_fail (self != NULL, LQ_SNAPSHOT_RECALL_UNCHANGED);
  g_return_val_if_fail (LQ_IS_CHAIN (chain), LQ_SNAPSHOT_RECALL_UNCHANGED);
  g_return_val_if_fail (history == NULL || LQ_IS_HISTORY (history), LQ_SNAPSHOT_RECALL_UNCHANGED);

  if (lq_chain_snapshot_equal (self, chain))
    return LQ_SNAPSHOT_RECALL_UNCHANGED;
  if (history != NULL)
    lq_history_begin_group (history, label);
  if (lq_chain_snapshot_same_structure (self, chain))
    {
      for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
        apply_element (lq_chain_get_element (self->chain, i), lq_chain_get_element (chain, i), history);
      result = LQ_SNAPSHOT_RECALL_APPLIED;
    }
  else
    {
      /* New elements each time, so the snapshot's own description is never shared. */
      g_autoptr(LqChain) copy = lq_chain_new_from_json (self->json, NULL);
      guint n = lq_chain_get_n_elements (chain);

      g_assert (copy != NULL); /* parsed once already in snapshot_new_take() */
      for (guint i = n; i > 0; i--)
        {
          if (history != NULL)
            lq_history_chain_remove (history, chain, i - 1, NULL);
          else
            lq_chain_remove (chain, i - 1);
        }
      for (guint i = 0; i < lq_chain_get_n_elements (copy); i++)
        {
          LqChainElement *element = lq_chain_get_element (copy, i);
          if (history != NULL)
            lq_history_chain_insert (history, chain, i, element, NULL);
          else
            lq_chain_insert (chain, i, element);
        }
      result = LQ_SNAPSHOT_RECALL_REPLACED;
    }
  if (history != NULL)
    lq_history_end_group (history);
  return result;
}
