import CapdiffCommands

await Capdiff.runAndExit()
