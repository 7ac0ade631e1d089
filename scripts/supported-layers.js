// The README's supported-layers section, made from the layer registry (each descriptor names its group).
import { supportedLayerGroups } from "../dist/generator/emit/layers/registry.js";

export function supportedLayersSection() {
  const rows = supportedLayerGroups()
    .filter(({ classes }) => classes.length > 0)
    .map(({ group, classes, options }) => `| ${group} | ${classes.join(", ")} | ${options} |`);
  return ["| kind | classes | options |", "|---|---|---|", ...rows].join("\n");
}
