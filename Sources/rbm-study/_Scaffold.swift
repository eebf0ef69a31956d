// placeholder-until-written
